import type { Migration } from './migration.js';

/**
 * The rebuild of the per-pregnancy summary in steps (docs/design.md#qc-summary). When its settings
 * change, every woman of the audit is marked dirty again; that marking now runs one chunk of women
 * per transaction instead of all of them in one, so a hook call waits for a chunk at most (on the
 * embedded store, for the event loop; on a server, for its woman's mark, which the marking locks):
 *
 * - `settings` is null while the facts are being rebuilt (no settings are then current);
 * - `marking`: the settings being rebuilt for, whose chunks are under way;
 * - `marked_through`: the last woman (`patient_id`) marked so far; the next chunk starts after her.
 *
 * A rebuild interrupted (a stopped server, a failed transaction) goes on from there; one for other
 * settings, or after settings were stored meanwhile (a server of an older version), starts again
 * from the first woman.
 */
export const migration0020: Migration = {
  version: 20,
  name: 'qc-summary-marking',
  statements: [
    `ALTER TABLE qc_summary_state
  ALTER COLUMN settings DROP NOT NULL,
  ADD COLUMN marking text,
  ADD COLUMN marked_through text,
  ADD CONSTRAINT qc_summary_state_marking CHECK (marked_through IS NULL OR marking IS NOT NULL)`,
  ],
};
