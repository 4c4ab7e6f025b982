import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/create-store.js';
import { NoticeConflictError } from '../../src/store/hook-call-writes.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { auditStoreContract } from './audit-store.contract.js';
import { acknowledgement, hookCall, notice, period } from './audit-fixtures.js';
import { createDatabase, postgresTarget } from './postgres-target.js';

/**
 * The same contract against a real PostgreSQL server (DATABASE_URL mode, docs/design.md#scale-out),
 * started by test/support/postgres-server.ts. In CI a missing server fails loudly; locally the suite
 * is skipped with the reason.
 */
const skipReason = postgresSkipReason('test/store/postgres');

describe.skipIf(Boolean(skipReason))(`PostgreSQL server store${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.stop());
  const running = (): PostgresServer => {
    if (!server) throw new Error('PostgreSQL test server did not start');
    return server;
  };

  auditStoreContract('PostgreSQL server (pg.Pool)', () => postgresTarget(running));

  it('createStore uses DATABASE_URL when set, and data survives a new pool', async () => {
    const url = await createDatabase(running());
    const config = { databaseUrl: url, dataDir: '/nonexistent/never-used' };
    const first = await createStore(config);
    expect(first.engine).toBe('postgres');
    expect(first.migration.applied).toEqual(MIGRATIONS.map((m) => m.version));
    const n = notice({ institutionId: 'org-pg' });
    await first.audit.recordHookCall(hookCall({ institutionId: 'org-pg', notice: n }));
    const ack = acknowledgement(n.id);
    await first.audit.appendAcknowledgement(ack);
    await first.close();
    const second = await createStore(config);
    try {
      expect(second.migration.applied).toEqual([]);
      expect(await second.audit.get(n.id)).toEqual(n);
      expect(await second.audit.listAcknowledgements(period('org-pg'))).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('a notice another replica commits while a hook call waits on it: the same hash stores the call, another hash is a conflict', async () => {
    // The hook-call statement's snapshot is taken before the other replica commits, so the stored
    // notice is invisible to it and looks unlike ours; the write must look again, not refuse.
    const url = await createDatabase(running());
    const store = await createStore({ databaseUrl: url, dataDir: '/nonexistent/never-used' });
    const replica = new pg.Client(url);
    const watcher = new pg.Client(url);
    await replica.connect();
    await watcher.connect();
    try {
      for (const [theirHash, expected] of [
        ['a'.repeat(64), 'stored'],
        ['b'.repeat(64), 'conflict'],
      ] as const) {
        const n = notice({ institutionId: 'org-race', hash: 'a'.repeat(64) });
        await replica.query('BEGIN');
        await replica.query(
          `INSERT INTO notice (id, created_at, hash, patient_id, rules, content) VALUES ($1, now(), $2, 'p1', '{}', '{}'::jsonb)`,
          [n.id, theirHash],
        );
        const outcome = store.audit.recordHookCall(hookCall({ institutionId: 'org-race', notice: n })).then(
          () => 'stored',
          (e: unknown) => (e instanceof NoticeConflictError ? 'conflict' : e),
        );
        // Commit only once the hook-call statement is waiting on the uncommitted notice row.
        for (let waited = 0; ; waited += 20) {
          const { rows } = await watcher.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'WITH%h AS%'",
          );
          if (rows[0]?.n === 1) break;
          if (waited > 10_000) throw new Error('the hook-call write never waited on the notice row');
          await new Promise((r) => setTimeout(r, 20));
        }
        await replica.query('COMMIT');
        expect(await outcome).toBe(expected);
        const [stored] = (
          await watcher.query<{ hash: string; hook_call_id: string | null }>('SELECT hash, hook_call_id FROM notice WHERE id = $1', [n.id])
        ).rows;
        expect(stored).toEqual({ hash: theirHash, hook_call_id: null });
      }
      const calls = await store.audit.listHookCalls(period('org-race'));
      expect(calls).toHaveLength(1);
    } finally {
      await replica.end();
      await watcher.end();
      await store.close();
    }
  });

  it('an unreachable server is store-unavailable at start', async () => {
    const url = running().url('no_such_database');
    await expect(createStore({ databaseUrl: url, dataDir: './data' })).rejects.toMatchObject({ code: 'store-unavailable' });
  });
});
