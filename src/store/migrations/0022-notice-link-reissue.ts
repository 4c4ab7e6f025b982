import type { Migration } from './migration.js';

/**
 * `notice_link.reissue`: whether a link re-issued a stored notice because the EHR held its notice
 * Communication (docs/design.md#notice-links) — the one case QC counts as the notice observed
 * (docs/design.md#notified). Since notice reuse (migration 15) a later call also links a stored
 * notice when it merely computed the same notice again (same substance, same derived id): that is
 * not an observation, and until this column QC could not tell the two apart, so every repeated
 * chart opening of an indicated woman counted her as notified.
 *
 * Only a column is added (the append-only rows are not touched): links written before it are NULL,
 * and the QC read tells them apart by what they are (src/store/observed-notices.ts).
 */
export const migration0022: Migration = {
  version: 22,
  name: 'notice-link-reissue',
  statements: ['ALTER TABLE notice_link ADD COLUMN reissue boolean'],
};
