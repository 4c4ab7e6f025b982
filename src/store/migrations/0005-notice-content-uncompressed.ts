import type { Migration } from './migration.js';

/**
 * A notice's content is stored uncompressed (`STORAGE EXTERNAL`: out of line once the row is
 * large) instead of pglz-compressed. Every referral card stores one, in the hook call's own audit
 * write, which the obstetrician waits for, and compressing the content slowed that write. The
 * price is disk: more bytes per notice (jsonb with Chinese text compresses poorly).
 * The heap row stays narrow (a large content is a TOAST pointer), so scans of `notice` that do not
 * read the content cost what they did. It applies to notices stored from now on; older ones stay
 * compressed, and both read the same.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'notice-content-uncompressed',
  statements: ['ALTER TABLE notice ALTER COLUMN content SET STORAGE EXTERNAL'],
};
