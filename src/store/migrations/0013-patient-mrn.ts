import type { Migration } from './migration.js';

/**
 * Identifiable cases for the institution itself (docs/design.md#patient-identity): `hook_call`
 * gains the patient's record number (`patient_mrn`, the `Patient.identifier` of `MRN_SYSTEM`; no
 * name) beside the patient id, NULL on older rows and when no system is configured. `qc_secret`
 * keeps secrets generated once and shared by every replica and restart: the key of the QC
 * pseudonyms when `QC_PSEUDONYM_SECRET` is not set. It is not an audit table (no append-only trigger).
 */
export const migration0013: Migration = {
  version: 13,
  name: 'patient-mrn',
  statements: [
    'ALTER TABLE hook_call ADD COLUMN patient_mrn text',
    `CREATE TABLE qc_secret (
  name text PRIMARY KEY,
  value bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
)`,
  ],
};
