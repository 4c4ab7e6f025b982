import type { Migration } from './migration.js';

/** SQLSTATE of `notice_conflict` (a code of our own; src/store/hook-call-writes.ts recognises it). */
export const NOTICE_CONFLICT_SQLSTATE = 'PC409';

/**
 * `notice_conflict(id)` raises: the hook-call write calls it from inside its one statement for a
 * notice id already stored with another hash, so the whole statement — the call and every child
 * row — fails and nothing of it is stored, with no transaction around it.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'notice-conflict',
  statements: [
    `CREATE FUNCTION notice_conflict(notice_id text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'notice % already stored with a different hash', notice_id USING ERRCODE = '${NOTICE_CONFLICT_SQLSTATE}';
END
$$`,
  ],
};
