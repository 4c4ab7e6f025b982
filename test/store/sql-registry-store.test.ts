import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { migrate } from '../../src/store/migrate.js';
import { createPgSql } from '../../src/store/pg-sql.js';
import { createPgliteSql, MEMORY_DATA_DIR } from '../../src/store/pglite-sql.js';
import { createSqlRegistryStore, REGISTRY_READS } from '../../src/store/sql-registry-store.js';
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

/** Every plan node type and relation of an `EXPLAIN (FORMAT JSON)` answer. */
function planNodes(plan: unknown): { type: string; relation?: string }[] {
  if (Array.isArray(plan)) return plan.flatMap(planNodes);
  if (typeof plan !== 'object' || plan === null) return [];
  const node = plan as { Plan?: unknown; Plans?: unknown; 'Node Type'?: string; 'Relation Name'?: string };
  const here = node['Node Type']
    ? [{ type: node['Node Type'], ...(node['Relation Name'] ? { relation: node['Relation Name'] } : {}) }]
    : [];
  return [...here, ...planNodes(node.Plan ?? []), ...planNodes(node.Plans ?? [])];
}

/**
 * A provincial-size registry (20,000 practitioners with a certificate each, 2,000 organizations with
 * a licence each): the two hook-call reads must go by index, never read a version table whole —
 * else each order check costs time in proportion to the registry. `analyzed`: as autovacuum leaves a
 * server; PGlite has none, so the embedded store's tables have no statistics
 * (docs/design.md#planner-statistics).
 */
async function expectIndexedReads(sql: Sql, analyzed: boolean): Promise<void> {
  await sql.query(`INSERT INTO registry_practitioner_version (practitioner_id, record)
    SELECT 'dr-' || i, jsonb_build_object('practitionerId', 'dr-' || i, 'organizationIds', jsonb_build_array('org-' || (i % 2000))) FROM generate_series(1, 20000) AS i`);
  await sql.query(`INSERT INTO registry_certificate_version (certificate_key, number, technique, practitioner_id, record)
    SELECT 'C-' || i || '|midwifery', 'C-' || i, 'midwifery', 'dr-' || i,
      jsonb_build_object('practitionerId', 'dr-' || i, 'technique', 'midwifery', 'number', 'C-' || i) FROM generate_series(1, 20000) AS i`);
  await sql.query(`INSERT INTO registry_organization_version (organization_id, record)
    SELECT 'org-' || i, jsonb_build_object('organizationId', 'org-' || i) FROM generate_series(1, 2000) AS i`);
  await sql.query(`INSERT INTO registry_licence_version (number, organization_id, record)
    SELECT 'L-' || i, 'org-' || i, jsonb_build_object('organizationId', 'org-' || i, 'number', 'L-' || i, 'techniques', jsonb_build_array('midwifery'))
    FROM generate_series(1, 2000) AS i`);
  if (analyzed) await sql.query('ANALYZE');
  const store = createSqlRegistryStore(sql);
  expect(await store.practitioner('dr-77')).toEqual({
    practitionerId: 'dr-77',
    organizationIds: ['org-77'],
    certificates: [{ practitionerId: 'dr-77', technique: 'midwifery', number: 'C-77' }],
  });
  expect((await store.organization('org-77'))?.licences).toEqual([{ organizationId: 'org-77', number: 'L-77', techniques: ['midwifery'] }]);
  for (const [read, id] of [
    ['practitioner', 'dr-77'],
    ['organization', 'org-77'],
  ] as const) {
    const [row] = await sql.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${REGISTRY_READS[read]}`, [id]);
    const nodes = planNodes(row?.['QUERY PLAN']);
    expect(nodes.filter((n) => n.relation?.startsWith('registry_')).length, read).toBeGreaterThan(0);
    expect(
      nodes.filter((n) => n.type === 'Seq Scan'),
      read,
    ).toEqual([]);
  }
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
    const versions = await sql.query<{ valid_to: string }>(
      "SELECT record->>'validTo' AS valid_to FROM registry_certificate_version ORDER BY seq",
    );
    expect(versions.map((v) => v.valid_to)).toEqual(['2026-01-01', '2029-01-01']);
    expect((await store.practitioner('dr-1'))?.certificates).toEqual([{ ...cert, validTo: '2029-01-01' }]);
  }, 90_000);

  it('reads a practitioner or an organization by index in a provincial-size registry', async () => {
    await expectIndexedReads(await migrated(await createPgliteSql(MEMORY_DATA_DIR)), false);
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

  it('reads a practitioner or an organization by index in a provincial-size registry', async () => {
    await expectIndexedReads(await migrated(createPgSql(await createDatabase(server!))), true);
  }, 90_000);
});
