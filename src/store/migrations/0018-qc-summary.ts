import type { Migration } from './migration.js';

/** `AFTER INSERT … FOR EACH STATEMENT` on `table`, marking the patients `select` names (over `new_rows`). */
function touch(table: string, select: string): string[] {
  return [
    `CREATE FUNCTION qc_summary_touch_${table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO qc_summary_dirty (patient_id, version)
    SELECT patient_id, 1 FROM (${select}) touched WHERE patient_id IS NOT NULL GROUP BY patient_id ORDER BY patient_id
    ON CONFLICT (patient_id) DO UPDATE SET version = qc_summary_dirty.version + 1;
  RETURN NULL;
END $$`,
    `CREATE TRIGGER ${table}_qc_summary AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION qc_summary_touch_${table}()`,
  ];
}

/**
 * The per-pregnancy summary of notification compliance (docs/design.md#qc-summary):
 *
 * - `qc_case_facts`: per scope (`''` the province, else an institution id), woman and pregnancy,
 *   the facts a period's case is selected and classified from (src/qc/compliance.ts
 *   `PregnancyFacts`, as JSON), keyed for a period's read by `(scope, first_at)` — the instant of
 *   the pregnancy's first referral finding in that scope;
 * - `qc_summary_dirty`: the women whose audit rows changed since their facts were computed, each
 *   with a version every change raises. Triggers on the four tables a report reads mark them in the
 *   writing transaction itself (a hook call, an acknowledgement, a notice observed by a later call,
 *   a feedback item on one of our cards): no write is missed, however late it commits; a refresh
 *   deletes a mark only at the version it read;
 * - `qc_summary_state`: the settings the facts were computed with (time zone, EDD tolerance,
 *   referral rules); others make every woman dirty again.
 *
 * Not audit tables: rows are replaced. With no settings stored yet (this migration), the first
 * refresh marks every woman of the audit dirty; the server folds them in the background.
 */
export const migration0018: Migration = {
  version: 18,
  name: 'qc-summary',
  statements: [
    'CREATE TABLE qc_summary_dirty (patient_id text PRIMARY KEY, version bigint NOT NULL)',
    `CREATE TABLE qc_case_facts (
  scope text NOT NULL,
  patient_id text NOT NULL,
  pregnancy text NOT NULL,
  first_at timestamptz NOT NULL,
  facts jsonb NOT NULL CHECK (jsonb_typeof(facts) = 'object'),
  PRIMARY KEY (scope, patient_id, pregnancy)
)`,
    'CREATE INDEX qc_case_facts_period ON qc_case_facts (scope, first_at)',
    'CREATE INDEX qc_case_facts_patient ON qc_case_facts (patient_id)',
    'CREATE TABLE qc_summary_state (id integer PRIMARY KEY CHECK (id = 1), settings text NOT NULL)',
    ...touch('hook_call', 'SELECT patient_id FROM new_rows'),
    ...touch('notice_acknowledgement', 'SELECT n.patient_id FROM new_rows a JOIN notice n ON n.id = a.notice_id'),
    ...touch('notice_link', 'SELECT n.patient_id FROM new_rows l JOIN notice n ON n.id = l.notice_id WHERE l.hook_call_id IS NOT NULL'),
    ...touch(
      'feedback',
      'SELECT h.patient_id FROM new_rows f JOIN card c ON c.uuid = f.card_uuid JOIN hook_call h ON h.id = c.hook_call_id',
    ),
  ],
};
