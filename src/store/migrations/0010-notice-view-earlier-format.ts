import type { Migration } from './migration.js';

/**
 * Notice page views gain the result `earlier-format` (docs/design.md#notice-links): a valid link to
 * a notice stored in an earlier content format, answered with a page saying to print a new one from
 * the EHR (the stored notice is not drawn, nor changed). The inline CHECK of migration 8
 * (PostgreSQL names it `<table>_<column>_check`) is replaced; existing rows all satisfy the new one.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'notice-view-earlier-format',
  statements: [
    'ALTER TABLE notice_view DROP CONSTRAINT notice_view_result_check',
    "ALTER TABLE notice_view ADD CONSTRAINT notice_view_result_check CHECK (result IN ('shown', 'expired', 'unknown', 'earlier-format'))",
  ],
};
