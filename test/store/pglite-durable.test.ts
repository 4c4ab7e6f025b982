/**
 * The embedded store on disk reaches the disk (src/store/pglite-durable-fs.ts): PostgreSQL runs
 * with fsync on, a commit returns only after `fs.fsyncSync` of its WAL segment, a directory new
 * from the template is synced whole before its first commit, and a failed fsync ends the process
 * before the commit waiting for it is acknowledged.
 */
import { spawnSync } from 'node:child_process';
import fs, { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { FSYNC_FAILED_EXIT_CODE } from '../../src/store/pglite-durable-fs.js';
import { MEMORY_DATA_DIR, openPglite } from '../../src/store/pglite-sql.js';
import { buildTemplate, readTemplate } from '../../src/store/pglite-template.js';

const root = mkdtempSync(join(tmpdir(), 'pglite-durable-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());
/** Booting PGlite takes seconds, more under a full parallel run. */
const BOOT_TIMEOUT = 90_000;

describe('embedded store durability', () => {
  it(
    'runs with fsync on, and a commit fsyncs its WAL before it returns',
    async () => {
      const { sql } = await openPglite(join(root, 'data'));
      try {
        expect(await sql.query("SELECT current_setting('fsync') AS fsync, current_setting('wal_sync_method') AS method")).toEqual([
          { fsync: 'on', method: 'fsync' },
        ]);
        await sql.query('CREATE TABLE t (x int)');
        const fsync = vi.spyOn(fs, 'fsyncSync');
        await sql.query('INSERT INTO t VALUES ($1)', [1], { name: 'insert_t' });
        const synced = fsync.mock.calls.map(([fd]) => readlinkSync(`/proc/self/fd/${String(fd)}`));
        expect(synced.some((path) => path.includes(`${join('data', 'pg_wal')}/`))).toBe(true);
      } finally {
        await sql.close();
      }
    },
    BOOT_TIMEOUT,
  );

  it(
    'a data directory new from the template is synced once, on the thread pool, before any commit',
    async () => {
      const template = join(root, 'template.tar.gz');
      await buildTemplate(template);
      const dataDir = join(root, 'from-template');
      const handle = await open(template, 'r');
      const fileHandleSync = vi.spyOn(Object.getPrototypeOf(handle) as { sync(): Promise<void> }, 'sync');
      await handle.close();
      const fsync = vi.spyOn(fs, 'fsyncSync');
      const { sql } = await openPglite(dataDir, () => readTemplate(template));
      try {
        // PostgreSQL's own per-file fsyncs of the recovery were deferred; the tree was synced instead.
        expect(fsync).not.toHaveBeenCalled();
        const entries = readdirSync(dataDir, { recursive: true });
        expect(fileHandleSync.mock.calls.length).toBeGreaterThanOrEqual(entries.length);
        await sql.query('CREATE TABLE t (x int)');
        await sql.query('INSERT INTO t VALUES ($1)', [1], { name: 'insert_t' });
        expect(fsync).toHaveBeenCalled();
      } finally {
        await sql.close();
      }
    },
    BOOT_TIMEOUT,
  );

  it(
    "keeps PGlite's defaults in memory (nothing to sync)",
    async () => {
      const { sql } = await openPglite(MEMORY_DATA_DIR);
      try {
        expect(await sql.query("SELECT current_setting('fsync') AS fsync")).toEqual([{ fsync: 'off' }]);
      } finally {
        await sql.close();
      }
    },
    BOOT_TIMEOUT,
  );

  it(
    'a failed fsync ends the process before the commit is acknowledged; a restart has every acknowledged row',
    async () => {
      const dataDir = join(root, 'failing');
      const run = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'fsync-fail.ts'), dataDir], {
        encoding: 'utf8',
        timeout: BOOT_TIMEOUT,
      });
      expect(run.stdout).toBe('acknowledged before\n');
      expect(run.status).toBe(FSYNC_FAILED_EXIT_CODE);
      expect(JSON.parse(run.stderr.trim().split('\n').at(-1) ?? '{}')).toMatchObject({
        level: 60,
        code: 'EIO',
        msg: expect.stringContaining('fsync failed'),
      });
      const { sql } = await openPglite(dataDir);
      try {
        expect((await sql.query<{ label: string }>('SELECT label FROM durable')).map((r) => r.label)).toContain('before');
      } finally {
        await sql.close();
      }
    },
    BOOT_TIMEOUT * 2,
  );
});
