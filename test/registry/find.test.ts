import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { migrate } from '../../src/store/migrate.js';
import { createPgSql } from '../../src/store/pg-sql.js';
import { createPgliteSql, MEMORY_DATA_DIR } from '../../src/store/pglite-sql.js';
import { createSqlRegistryStore, identifierParam, REGISTRY_KEY_READS } from '../../src/store/sql-registry-store.js';
import { IDENTIFIER_SYSTEMS } from '../../src/clinical/registry-identifiers.js';
import type { Sql } from '../../src/store/sql.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { createDatabase } from '../store/postgres-target.js';
import { registryFindContract } from './find-contract.js';

/** Keyed registry lookups (src/registry/CSV.md#matching) on the memory store, PGlite and a PostgreSQL server. */
const opened: Sql[] = [];
afterAll(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

async function migrated(sql: Sql): Promise<Sql> {
  opened.push(sql);
  await migrate(sql);
  return sql;
}

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
 * A provincial-size registry (20,000 practitioners with an identifier and a certificate, 2,000
 * organizations with a USCC and a licence): every keyed lookup goes by index (migration 0007), never
 * reading a version table whole.
 */
async function expectIndexedKeyReads(sql: Sql): Promise<void> {
  const pc = IDENTIFIER_SYSTEMS.practisingCertificate;
  const uscc = IDENTIFIER_SYSTEMS.uscc;
  await sql.query(
    `INSERT INTO registry_practitioner_version (practitioner_id, record)
    SELECT 'dr-' || i, jsonb_build_object('practitionerId', 'dr-' || i, 'organizationIds', jsonb_build_array('org-' || (i % 2000)),
      'identifiers', jsonb_build_array(jsonb_build_object('system', $1::text, 'value', (110330000000000 + i)::text))) FROM generate_series(1, 20000) AS i`,
    [pc],
  );
  await sql.query(`INSERT INTO registry_certificate_version (certificate_key, number, technique, practitioner_id, record)
    SELECT 'C-' || i || '|midwifery', 'C-' || i, 'midwifery', 'dr-' || i,
      jsonb_build_object('practitionerId', 'dr-' || i, 'technique', 'midwifery', 'number', 'C-' || i) FROM generate_series(1, 20000) AS i`);
  await sql.query(
    `INSERT INTO registry_organization_version (organization_id, record)
    SELECT 'org-' || i, jsonb_build_object('organizationId', 'org-' || i,
      'identifiers', jsonb_build_array(jsonb_build_object('system', $1::text, 'value', 'USCC-' || i))) FROM generate_series(1, 2000) AS i`,
    [uscc],
  );
  await sql.query(`INSERT INTO registry_licence_version (number, organization_id, record)
    SELECT 'L-' || i, 'org-' || i, jsonb_build_object('organizationId', 'org-' || i, 'number', 'L-' || i, 'techniques', jsonb_build_array('midwifery'))
    FROM generate_series(1, 2000) AS i`);
  await sql.query('ANALYZE');
  const store = createSqlRegistryStore(sql);
  const byPc = await store.findPractitioner({ identifiers: [{ system: pc, value: '110330000000077' }] });
  expect(byPc.outcome === 'found' && [byPc.match, byPc.record.practitionerId]).toEqual(['identifier', 'dr-77']);
  const byNumber = await store.findPractitioner({ certificateNumbers: ['C-78'] });
  expect(byNumber.outcome === 'found' && [byNumber.match, byNumber.record.practitionerId]).toEqual(['certificate-number', 'dr-78']);
  const byUscc = await store.findOrganization({ identifiers: [{ system: uscc, value: 'USCC-79' }] });
  expect(byUscc.outcome === 'found' && [byUscc.match, byUscc.record.organizationId]).toEqual(['identifier', 'org-79']);
  const byLicence = await store.findOrganization({ licenceNumbers: ['L-80'] });
  expect(byLicence.outcome === 'found' && [byLicence.match, byLicence.record.organizationId]).toEqual(['licence-number', 'org-80']);
  const params: Record<keyof typeof REGISTRY_KEY_READS, string> = {
    practitionerByIdentifiers: identifierParam([
      { system: pc, value: '110330000000077' },
      { system: IDENTIFIER_SYSTEMS.nationalIdHash, value: 'ab'.repeat(32) },
    ]),
    practitionerByCertificateNumbers: JSON.stringify(['C-78', 'C-79']),
    organizationByIdentifiers: identifierParam([{ system: uscc, value: 'USCC-79' }]),
    organizationByLicenceNumbers: JSON.stringify(['L-80']),
  };
  for (const [read, text] of Object.entries(REGISTRY_KEY_READS) as [keyof typeof REGISTRY_KEY_READS, string][]) {
    const [row] = await sql.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${text}`, [params[read]]);
    const nodes = planNodes(row?.['QUERY PLAN']);
    expect(nodes.filter((n) => n.relation?.startsWith('registry_')).length, read).toBeGreaterThan(0);
    expect(
      nodes.filter((n) => n.type === 'Seq Scan'),
      read,
    ).toEqual([]);
  }
}

describe('registry lookups by business keys: memory store', () => {
  registryFindContract(async () => new MemoryRegistryStore());
});

describe('registry lookups by business keys: SQL store on PGlite', () => {
  registryFindContract(async () => createSqlRegistryStore(await migrated(await createPgliteSql(MEMORY_DATA_DIR))));

  it('looks holders up by index in a provincial-size registry', async () => {
    await expectIndexedKeyReads(await migrated(await createPgliteSql(MEMORY_DATA_DIR)));
  }, 90_000);
});

const skipReason = postgresSkipReason('test/registry/find');
describe.skipIf(Boolean(skipReason))(
  `registry lookups by business keys: SQL store on PostgreSQL${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let server: PostgresServer | undefined;
    beforeAll(async () => {
      server = await startPostgres();
    });
    afterAll(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
      server?.stop();
    });
    registryFindContract(async () => createSqlRegistryStore(await migrated(createPgSql(await createDatabase(server!)))));

    it('looks holders up by index in a provincial-size registry', async () => {
      await expectIndexedKeyReads(await migrated(createPgSql(await createDatabase(server!))));
    }, 90_000);
  },
);
