import type { Migration } from './migration.js';

/**
 * The EHR in the covering indexes of the QC reads (docs/design.md#qc-scale): since the reads carry
 * each call's `issuer` and `tenant` (docs/design.md#patient-scope), the two covering indexes of
 * migration 16 no longer cover them, and every call read fetched its heap row again. Both are
 * rebuilt with the two columns in their `INCLUDE` (same keys, so every read that used them still
 * does):
 *
 * - `hook_call (patient_id, received_at) INCLUDE (pregnancy_key, edd, issuer, tenant)`: the
 *   pregnancy sightings (src/store/pregnancy-sightings.ts);
 * - `hook_call (institution_id, received_at) INCLUDE (…the call's facts QC reads…, issuer,
 *   tenant)`: an institution's calls (src/store/audit-queries.ts).
 *
 * Only indexes change: no row is touched.
 */
export const migration0017: Migration = {
  version: 17,
  name: 'qc-indexes-ehr',
  statements: [
    'CREATE INDEX hook_call_patient_sightings_ehr ON hook_call (patient_id, received_at) INCLUDE (pregnancy_key, edd, issuer, tenant)',
    'DROP INDEX hook_call_patient_sightings',
    `CREATE INDEX hook_call_institution_calls_ehr ON hook_call (institution_id, received_at)
  INCLUDE (id, service_id, practitioner_id, patient_id, patient_mrn, pregnancy_key, edd, findings_from, issuer, tenant)`,
    'DROP INDEX hook_call_institution_calls',
  ],
};
