import type { Migration } from './migration.js';

/**
 * Indexes fitted to the QC reads at province scale (docs/design.md#qc-scale):
 *
 * - `hook_call (patient_id, received_at) INCLUDE (pregnancy_key, edd)` replaces the index of
 *   migration 12 (same keys): the pregnancy sightings (src/store/pregnancy-sightings.ts) read only
 *   these columns of every call of the women concerned, so the read is answered from the index
 *   alone (an index-only scan once the append-only table is vacuumed) instead of one heap page
 *   per call; the other reads by patient use it as before.
 * - `hook_call (institution_id, received_at) INCLUDE (…the call's facts QC reads…)` replaces the
 *   index of migration 1 (same keys): an institution's report reads the facts of its calls over the
 *   period and its lookback (src/store/audit-queries.ts), which are spread over the whole table (the
 *   audit is in time order, institutions interleaved); from the index alone that is a few index
 *   pages instead of one heap page per call. The price is a wider index (about 160 bytes a call).
 * - `notice_link (issued_at)`: the notice Communications observed in a period
 *   (src/store/observed-notices.ts) were found by reading the whole table.
 *
 * Only indexes change: no row is touched.
 */
export const migration0016: Migration = {
  version: 16,
  name: 'qc-indexes',
  statements: [
    'CREATE INDEX hook_call_patient_sightings ON hook_call (patient_id, received_at) INCLUDE (pregnancy_key, edd)',
    'DROP INDEX hook_call_patient_received_at',
    `CREATE INDEX hook_call_institution_calls ON hook_call (institution_id, received_at)
  INCLUDE (id, service_id, practitioner_id, patient_id, patient_mrn, pregnancy_key, edd, findings_from)`,
    'DROP INDEX hook_call_institution',
    'CREATE INDEX notice_link_issued_at ON notice_link (issued_at)',
  ],
};
