import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore, type AuditStore } from '../../src/store/audit-store.js';
import { migrate } from '../../src/store/migrate.js';
import { createPgSql } from '../../src/store/pg-sql.js';
import { createPgliteSql, MEMORY_DATA_DIR } from '../../src/store/pglite-sql.js';
import { STORED_SECRET_BYTES } from '../../src/store/qc-secret.js';
import type { Sql } from '../../src/store/sql.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { hookCall } from './audit-fixtures.js';
import { createDatabase } from './postgres-target.js';

/**
 * Migration 13 on both engines (docs/design.md#patient-identity): the record number stored beside the
 * patient id and read back with every row of the call; the QC secret generated once and shared by
 * every reader of the store (another pool = another replica).
 */

const PERIOD = { from: '2025-03-01T00:00:00Z', to: '2025-03-02T00:00:00Z' };

function suite(name: string, open: () => Promise<{ sql: Sql; another: () => Promise<Sql> }>): void {
  describe(name, () => {
    let sql: Sql;
    let another: () => Promise<Sql>;
    let store: AuditStore;
    beforeAll(async () => {
      ({ sql, another } = await open());
      await migrate(sql);
      store = createAuditStore(sql);
    }, 90_000);
    afterAll(async () => sql?.close());

    it('stores the MRN beside the patient id; a call without one reads back without it', async () => {
      const withMrn = await store.recordHookCall(hookCall({ patientId: 'p-mrn-1', patientMrn: 'ZY-2026-000387', undecided: [] }));
      const without = await store.recordHookCall(hookCall({ patientId: 'p-mrn-2' }));
      const calls = await store.listHookCalls(PERIOD);
      expect(calls.find((c) => c.id === withMrn.id)).toMatchObject({ patientId: 'p-mrn-1', patientMrn: 'ZY-2026-000387' });
      expect(calls.find((c) => c.id === without.id)).not.toHaveProperty('patientMrn');
      const findings = await store.listFindings(PERIOD);
      expect(findings.filter((f) => f.hookCallId === withMrn.id).map((f) => f.patientMrn)).toEqual(['ZY-2026-000387', 'ZY-2026-000387']);
      const cards = await store.listCards(PERIOD);
      expect(cards.find((c) => c.hookCallId === withMrn.id)?.patientMrn).toBe('ZY-2026-000387');
    });

    it('hook_call stays append-only with the new column', async () => {
      await store.recordHookCall(hookCall({ patientMrn: 'ZY-2026-000388' }));
      const err = await sql.query("UPDATE hook_call SET patient_mrn = 'x'").then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(String((err as { cause?: unknown }).cause)).toMatch(/append-only/);
    });

    it('a stored secret is generated once: the same 32 bytes for every reader, another replica and racing readers', async () => {
      const replica = await another();
      try {
        const other = createAuditStore(replica);
        const raced = await Promise.all([store.storedSecret('race'), other.storedSecret('race'), store.storedSecret('race')]);
        expect(raced[0]).toHaveLength(STORED_SECRET_BYTES);
        expect(Buffer.from(raced[1]).equals(Buffer.from(raced[0]))).toBe(true);
        expect(Buffer.from(raced[2]).equals(Buffer.from(raced[0]))).toBe(true);
        expect(Buffer.from(await other.storedSecret('race')).equals(Buffer.from(raced[0]))).toBe(true);
        const second = await store.storedSecret('another-name');
        expect(Buffer.from(second).equals(Buffer.from(raced[0]))).toBe(false);
      } finally {
        if (replica !== sql) await replica.close();
      }
    });
  });
}

// PGlite is one connection: "another replica" is the same database opened through the same Sql.
suite('PGlite in memory', async () => {
  const sql = await createPgliteSql(MEMORY_DATA_DIR);
  return { sql, another: async () => sql };
});

const skipReason = postgresSkipReason('test/store/patient-mrn');
describe.skipIf(Boolean(skipReason))(`PostgreSQL server${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: PostgresServer | undefined;
  let url: string;
  beforeAll(async () => {
    server = await startPostgres();
    url = await createDatabase(server);
  }, 90_000);
  afterAll(() => server?.stop());
  suite('PostgreSQL server (pg.Pool)', async () => ({ sql: createPgSql(url), another: async () => createPgSql(url) }));
});
