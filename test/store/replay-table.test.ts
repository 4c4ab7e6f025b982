import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryReplayCache, createStoreReplayCache, ReplayCacheFullError } from '../../src/auth/replay-cache.js';
import { createAuditStore } from '../../src/store/audit-store.js';
import { migrate } from '../../src/store/migrate.js';
import { createPgSql } from '../../src/store/pg-sql.js';
import { createPgliteSql, MEMORY_DATA_DIR } from '../../src/store/pglite-sql.js';
import type { Sql } from '../../src/store/sql.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { createDatabase } from './postgres-target.js';

/**
 * The replay cache in the store (`jti_seen`, docs/design.md#replay-cache), on both engines: it
 * never refuses a new token for want of room (the in-memory cache does, at its bound), replays are
 * refused, and expired pairs are pruned every `pruneEvery` remembers — and at the first one after
 * a start. The bound is small here (3) so the test runs at and past it.
 */
const ISS = 'https://ehr.example/oauth';
const BOUND = 3;

function replayTableSuite(open: () => Promise<Sql>): void {
  let sql: Sql;
  let now = 1_800_000_000;
  const rows = async (): Promise<number> => {
    const [row] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM jti_seen', []);
    return row?.n ?? -1;
  };
  const cacheOn = (s: Sql) => createStoreReplayCache(createAuditStore(s), { nowSeconds: () => now, pruneEvery: BOUND });

  beforeAll(async () => {
    sql = await open();
    await migrate(sql);
  });
  afterAll(async () => {
    await sql.close();
  });

  it('accepts new tokens past the bound where the in-memory cache refuses them, and refuses every replay', async () => {
    const memory = createMemoryReplayCache({ nowSeconds: () => now, maxEntries: BOUND });
    const stored = cacheOn(sql);
    for (let i = 0; i < BOUND; i++) {
      expect(await memory.remember(ISS, `live-${i}`, now + 330)).toBe(true);
      expect(await stored.remember(ISS, `live-${i}`, now + 330)).toBe(true);
    }
    await expect(memory.remember(ISS, 'one-more', now + 330)).rejects.toBeInstanceOf(ReplayCacheFullError);
    for (let i = BOUND; i < 4 * BOUND; i++) expect(await stored.remember(ISS, `live-${i}`, now + 330)).toBe(true);
    for (let i = 0; i < 4 * BOUND; i++) expect(await stored.remember(ISS, `live-${i}`, now + 330)).toBe(false);
    expect(await rows()).toBe(4 * BOUND);
  });

  it('prunes the expired pairs, keeping the live ones', async () => {
    now += 600; // every pair of the first test has expired
    // A new process: its first remember prunes what the previous one left.
    const stored = cacheOn(sql);
    expect(await stored.remember(ISS, 'after-restart', now + 330)).toBe(true);
    expect(await rows()).toBe(1);
    for (let i = 0; i < BOUND - 1; i++) expect(await stored.remember(ISS, `short-${i}`, now + 10)).toBe(true);
    now += 20; // the short ones expire; the next BOUND remembers end with a prune
    for (let i = 0; i < BOUND; i++) expect(await stored.remember(ISS, `later-${i}`, now + 330)).toBe(true);
    expect(await rows()).toBe(1 + BOUND);
    expect(await stored.remember(ISS, 'after-restart', now + 330)).toBe(false);
  });
}

describe('store replay cache: PGlite', () => {
  replayTableSuite(() => createPgliteSql(MEMORY_DATA_DIR));
});

const skipReason = postgresSkipReason('test/store/replay-table');
describe.skipIf(Boolean(skipReason))(`store replay cache: PostgreSQL${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(() => server?.stop());
  replayTableSuite(async () => createPgSql(await createDatabase(server!)));
});
