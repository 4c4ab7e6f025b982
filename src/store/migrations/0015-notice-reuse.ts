import type { Migration } from './migration.js';

/**
 * Notice reuse (docs/design.md#notice-reuse): a repeated call whose findings and notice content are
 * unchanged writes neither the notice nor its findings again.
 *
 * - `notice.substance_hash`: SHA-256 of the notice content without its per-issue fields (the id and
 *   the instant of issue); a notice id derived from it may be stored again by a later call, which is
 *   a no-op when the substance is the same. NULL for notices with a random id (every earlier one).
 * - `notice.content_jcs`: the content as the exact RFC 8785 canonical text that was hashed (so
 *   `sha256(content_jcs) = hash`), written as text — no JSON parsing in the hook call's write —
 *   uncompressed like `content` (migration 5). `content` (jsonb) keeps the earlier notices as
 *   stored and is NULL for new ones: exactly one of the two is set.
 * - `hook_call.findings_from`: a call whose findings equal, row for row, those of an earlier call of
 *   the same woman and EHR stores none of its own and names that call; QC reads the findings through it.
 *
 * Only columns are added (no back-fill): the append-only rows are not touched.
 */
export const migration0015: Migration = {
  version: 15,
  name: 'notice-reuse',
  statements: [
    'ALTER TABLE notice ADD COLUMN substance_hash text',
    'ALTER TABLE notice ADD COLUMN content_jcs text',
    'ALTER TABLE notice ALTER COLUMN content_jcs SET STORAGE EXTERNAL',
    'ALTER TABLE notice ALTER COLUMN content DROP NOT NULL',
    'ALTER TABLE notice ADD CONSTRAINT notice_content_once CHECK ((content IS NULL) <> (content_jcs IS NULL))',
    'ALTER TABLE hook_call ADD COLUMN findings_from uuid REFERENCES hook_call (id)',
  ],
};
