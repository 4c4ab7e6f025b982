import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/create-store.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { auditStoreContract } from './audit-store.contract.js';
import { acknowledgement, hookCall, notice, period } from './audit-fixtures.js';
import { createDatabase, postgresTarget } from './postgres-target.js';

/**
 * The same contract against a real PostgreSQL server (DATABASE_URL mode, shared/DESIGN.md §7),
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
    expect(first.migration.applied).toEqual([1, 2]);
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

  it('an unreachable server is store-unavailable at start', async () => {
    const url = running().url('no_such_database');
    await expect(createStore({ databaseUrl: url, dataDir: './data' })).rejects.toMatchObject({ code: 'store-unavailable' });
  });
});
