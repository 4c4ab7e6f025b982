import { appendOnly, type Migration } from './migration.js';

/**
 * What the audit was missing (docs/design.md#audit): the clinical "now" the rules were given (the
 * calendar day and the clinic time zone beside `received_at`, the instant of the same clock
 * reading), how the call's institution was found, the class of a rule error, and the rules that
 * could not decide (`undecided`, append-only like every audit table). Older rows keep NULLs.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'evaluation-now-and-undecided',
  statements: [
    'ALTER TABLE hook_call ADD COLUMN clinical_today date',
    'ALTER TABLE hook_call ADD COLUMN clinic_time_zone text',
    'ALTER TABLE hook_call ADD COLUMN institution_via text',
    'ALTER TABLE rule_error ADD COLUMN error_class text',
    `CREATE TABLE undecided (
  hook_call_id uuid NOT NULL REFERENCES hook_call (id),
  ordinal int NOT NULL,
  rule text NOT NULL,
  rule_version text NOT NULL,
  citation text NOT NULL,
  reason text NOT NULL,
  evidence jsonb NOT NULL,
  PRIMARY KEY (hook_call_id, ordinal)
)`,
    'CREATE INDEX undecided_rule ON undecided (rule)',
    ...appendOnly('undecided'),
  ],
};
