import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { migrate } from '../../src/store/migrate.js';
import { createPgSql } from '../../src/store/pg-sql.js';
import { createPgliteSql, MEMORY_DATA_DIR } from '../../src/store/pglite-sql.js';
import { createSqlRegistryStore } from '../../src/store/sql-registry-store.js';
import type { Sql } from '../../src/store/sql.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { createDatabase } from './postgres-target.js';
import { registryStoreContract } from './registry-store.contract.js';

/** The SQL registry store against the in-memory reference, on PGlite and on a PostgreSQL server. */
const opened: Sql[] = [];
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

async function migrated(sql: Sql): Promise<Sql> {
  opened.push(sql);
  await migrate(sql);
  return sql;
}

describe('SQL registry store on PGlite', () => {
  registryStoreContract(async () => ({
    subject: createSqlRegistryStore(await migrated(await createPgliteSql(MEMORY_DATA_DIR))),
    reference: new MemoryRegistryStore(),
  }));

  it('keeps every version of a certificate (history, no update in place)', async () => {
    const sql = await migrated(await createPgliteSql(MEMORY_DATA_DIR));
    const store = createSqlRegistryStore(sql);
    const cert = { practitionerId: 'dr-1', technique: 'prenatal-diagnosis' as const, number: 'C-9', validTo: '2026-01-01' };
    await store.upsert({ practitioners: [], organizations: [], licences: [], certificates: [cert] });
    await store.upsert({ practitioners: [], organizations: [], licences: [], certificates: [{ ...cert, validTo: '2029-01-01' }] });
    const versions = await sql.query<{ valid_to: string }>("SELECT record->>'validTo' AS valid_to FROM registry_certificate_version ORDER BY seq");
    expect(versions.map((v) => v.valid_to)).toEqual(['2026-01-01', '2029-01-01']);
    expect((await store.practitioner('dr-1'))?.certificates).toEqual([{ ...cert, validTo: '2029-01-01' }]);
  }, 90_000);
});

const skipReason = postgresSkipReason('test/store/sql-registry-store');
describe.skipIf(Boolean(skipReason))(`SQL registry store on PostgreSQL${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    server?.stop();
  });
  registryStoreContract(async () => ({
    subject: createSqlRegistryStore(await migrated(createPgSql(await createDatabase(server!)))),
    reference: new MemoryRegistryStore(),
  }));
});
