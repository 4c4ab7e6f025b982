import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { createAuditStore, type AuditStore } from '../../src/store/audit-store.js';
import { migrate } from '../../src/store/migrate.js';
import { MemoryHookCallLog, MemoryNoticeStore } from '../../src/store/memory-stores.js';
import { createPgliteSql, MEMORY_DATA_DIR } from '../../src/store/pglite-sql.js';
import type { Sql } from '../../src/store/sql.js';
import { hashLinkToken, randomLinkToken } from '../../src/engine/notice-link.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { hookCall, notice } from './audit-fixtures.js';
import { noticeLinkContract } from './notice-links.contract.js';
import { createDatabase } from './postgres-target.js';
import { createPgSql } from '../../src/store/pg-sql.js';

/** The notice-link contract on PGlite, on a PostgreSQL server, and on the in-memory store the HTTP tests use. */

function sqlSuite(name: string, openSql: () => Promise<Sql>): void {
  describe(name, () => {
    let sql: Sql;
    let store: AuditStore;
    beforeAll(async () => {
      sql = await openSql();
      await migrate(sql);
      store = createAuditStore(sql);
    }, 90_000);
    afterAll(async () => sql?.close());

    noticeLinkContract(name, () => ({ store, record: async (rec) => void (await store.recordHookCall(rec)) }));

    it('notice_link and notice_view are append-only', async () => {
      const n = notice();
      await store.recordHookCall(
        hookCall({
          notice: n,
          noticeLink: {
            id: randomUUID(),
            noticeId: n.id,
            tokenHash: hashLinkToken(randomLinkToken()),
            issuedAt: '2025-03-01T02:00:00.000Z',
            expiresAt: '2025-03-31T02:00:00.000Z',
            reissue: false,
            patientId: 'p1',
          },
        }),
      );
      await store.recordView({ viewedAt: '2025-03-02T01:00:00.000Z', noticeId: n.id, result: 'unknown' });
      for (const [table, column] of [
        ['notice_link', 'expires_at'],
        ['notice_view', 'result'],
      ] as const) {
        for (const stmt of [`UPDATE ${table} SET ${column} = ${column}`, `DELETE FROM ${table}`, `TRUNCATE ${table} CASCADE`]) {
          const err = await sql.query(stmt).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(err, stmt).toBeInstanceOf(AppError);
          expect(String((err as AppError).cause), stmt).toMatch(/append-only/);
        }
      }
    });
  });
}

sqlSuite('PGlite in memory', () => createPgliteSql(MEMORY_DATA_DIR));

const skipReason = postgresSkipReason('test/store/notice-links');
describe.skipIf(Boolean(skipReason))(`PostgreSQL server${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: PostgresServer | undefined;
  let url: string;
  beforeAll(async () => {
    server = await startPostgres();
    url = await createDatabase(server);
  }, 90_000);
  afterAll(() => server?.stop());
  sqlSuite('PostgreSQL server (pg.Pool)', async () => createPgSql(url));
});

noticeLinkContract('in memory', () => {
  const store = new MemoryNoticeStore();
  const log = new MemoryHookCallLog(store);
  return { store, record: log.record };
});
