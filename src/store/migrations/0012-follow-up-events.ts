import { appendOnly, type Migration } from './migration.js';

/**
 * Follow-up events (docs/design.md#follow-up): what each hook call observed in the woman's record
 * after an indication — the prenatal-diagnosis referral, the invasive procedure, its result, an NIPT
 * result and the pregnancy outcome — one row per event, written in the call's statement. `occurred`
 * is the record's date as given (may be partial), `occurred_day` the first day it can denote;
 * `institution_id` the performing Organization when the record names one. Append-only like every
 * audit table. The funnel reads the events of a patient's calls over a period.
 */
export const migration0012: Migration = {
  version: 12,
  name: 'follow-up-events',
  statements: [
    `CREATE TABLE follow_up_event (
  hook_call_id uuid NOT NULL REFERENCES hook_call (id),
  ordinal int NOT NULL,
  kind text NOT NULL CHECK (kind IN ('referral', 'procedure', 'result', 'nipt-high-risk', 'nipt-low-risk', 'outcome')),
  reference text NOT NULL,
  occurred text NOT NULL,
  occurred_day date NOT NULL,
  code text,
  detail text,
  institution_id text,
  PRIMARY KEY (hook_call_id, ordinal)
)`,
    'CREATE INDEX hook_call_patient_received_at ON hook_call (patient_id, received_at)',
    'CREATE INDEX follow_up_event_kind_day ON follow_up_event (kind, occurred_day)',
    ...appendOnly('follow_up_event'),
  ],
};
