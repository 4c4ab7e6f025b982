import type { Migration } from './migration.js';

/**
 * The follow-up funnel's part of the per-pregnancy summary (docs/design.md#qc-summary), beside
 * migration 18's notification-compliance facts and kept by the same refresh, marks and settings:
 *
 * - `qc_follow_up_facts`: per scope (`''` the province, else an institution id), woman and pregnancy
 *   of the funnel's own index, the facts a period's funnel is computed from (src/qc/follow-up.ts
 *   `FollowUpPregnancyFacts`, as JSON), keyed for a period's read by the two ways a pregnancy enters
 *   it: `first_at`, the instant of its first referral finding in that scope (a case), and
 *   `nipt_day`, the day of its NIPT result (an NIPT case); either may be null, not both.
 *
 * Not an audit table: rows are replaced. The summary's stored settings now name the facts' version,
 * so the first refresh after this migration recomputes every woman (the reports read rows until then).
 */
export const migration0019: Migration = {
  version: 19,
  name: 'qc-follow-up-summary',
  statements: [
    `CREATE TABLE qc_follow_up_facts (
  scope text NOT NULL,
  patient_id text NOT NULL,
  pregnancy text NOT NULL,
  first_at timestamptz,
  nipt_day date,
  facts jsonb NOT NULL CHECK (jsonb_typeof(facts) = 'object'),
  PRIMARY KEY (scope, patient_id, pregnancy),
  CHECK (first_at IS NOT NULL OR nipt_day IS NOT NULL)
)`,
    'CREATE INDEX qc_follow_up_facts_period ON qc_follow_up_facts (scope, first_at) WHERE first_at IS NOT NULL',
    'CREATE INDEX qc_follow_up_facts_nipt ON qc_follow_up_facts (scope, nipt_day) WHERE nipt_day IS NOT NULL',
    'CREATE INDEX qc_follow_up_facts_patient ON qc_follow_up_facts (patient_id)',
  ],
};
