import type { Migration } from './migration.js';

/**
 * `notice (patient_id)`: the summary's refresh reads the signatures and the observed notices of the
 * women it folds in through their notices (docs/design.md#qc-summary), and so do the QC reads of a
 * short period by patient. Without it each of those reads scanned the whole `notice` table, twice a
 * batch: 7–9 ms each on PGlite with 6,280 notices (41,105 women), growing with the audit.
 */
export const migration0021: Migration = {
  version: 21,
  name: 'notice-patient-index',
  statements: ['CREATE INDEX notice_patient ON notice (patient_id)'],
};
