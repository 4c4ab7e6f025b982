import { afterAll, describe, expect, it } from 'vitest';
import type { RegistryStore } from '../../src/orders/credential-records.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { migrate } from '../../src/store/migrate.js';
import { createPgliteSql, MEMORY_DATA_DIR } from '../../src/store/pglite-sql.js';
import { cachedRegistry } from '../../src/store/registry-cache.js';
import { createSqlRegistryStore } from '../../src/store/sql-registry-store.js';
import type { Sql } from '../../src/store/sql.js';
import { registryStoreContract } from './registry-store.contract.js';

/**
 * The embedded store's registry reads kept in memory (docs/design.md#registry-cache): the same
 * answers as the reference store through every import of the contract (over PGlite), one read of
 * the store per distinct question, a fresh answer after an import, never a failure kept.
 */
const opened: Sql[] = [];
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

async function sqlStore(): Promise<RegistryStore> {
  const sql = await createPgliteSql(MEMORY_DATA_DIR);
  opened.push(sql);
  await migrate(sql);
  return createSqlRegistryStore(sql);
}

/** The store with every read counted. */
function counted(inner: RegistryStore): { store: RegistryStore; reads: () => number; failNext: () => void } {
  let reads = 0;
  let fail = false;
  const read =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      reads += 1;
      if (fail) {
        fail = false;
        throw new Error('registry statement failed');
      }
      return f(...a);
    };
  return {
    store: {
      ...inner,
      practitioner: read((id: string) => inner.practitioner(id)),
      organization: read((id: string) => inner.organization(id)),
      findPractitioner: read((k: Parameters<RegistryStore['findPractitioner']>[0]) => inner.findPractitioner(k)),
      findOrganization: read((k: Parameters<RegistryStore['findOrganization']>[0]) => inner.findOrganization(k)),
      upsert: (b) => inner.upsert(b),
      list: () => inner.list(),
    },
    reads: () => reads,
    failNext: () => {
      fail = true;
    },
  };
}

const HZ_MCH = { system: 'https://www.zjwjw.gov.cn/licence', value: 'PDX-330100-001' };
const BATCH = {
  practitioners: [{ practitionerId: 'pr-wang-fang', name: '王芳', organizationIds: ['org-hz-mch'] }],
  organizations: [
    {
      organizationId: 'org-hz-mch',
      name: '杭州市妇幼保健院',
      identifiers: [HZ_MCH],
      institutionRole: 'prenatal-diagnosis-institution' as const,
    },
  ],
  certificates: [
    { practitionerId: 'pr-wang-fang', technique: 'prenatal-diagnosis' as const, number: 'ZJ-PD-2023-0107', validTo: '2027-06-30' },
  ],
  licences: [
    { organizationId: 'org-hz-mch', number: 'PDX-330100-001', techniques: ['prenatal-diagnosis' as const], validTo: '2028-12-31' },
  ],
};

describe('cached registry over PGlite', () => {
  registryStoreContract(async () => ({ subject: cachedRegistry(await sqlStore()), reference: new MemoryRegistryStore() }));

  it('asks the store once per distinct question, and again after an import', async () => {
    const { store, reads } = counted(new MemoryRegistryStore());
    const registry = cachedRegistry(store);
    expect(await registry.findOrganization({ identifiers: [HZ_MCH] })).toEqual({ outcome: 'not-found' });
    await registry.upsert(BATCH);
    const found = await registry.findOrganization({ identifiers: [HZ_MCH] });
    expect(found).toMatchObject({ outcome: 'found', match: 'identifier', record: { name: '杭州市妇幼保健院' } });
    const before = reads();
    expect(await registry.findOrganization({ identifiers: [HZ_MCH] })).toEqual(found);
    expect(await registry.practitioner('pr-wang-fang')).toMatchObject({ name: '王芳' });
    expect(await registry.practitioner('pr-wang-fang')).toMatchObject({ name: '王芳' });
    expect(reads()).toBe(before + 1);
    await registry.upsert({ ...BATCH, organizations: [{ ...BATCH.organizations[0]!, name: '杭州市妇女儿童医院' }] });
    expect(await registry.findOrganization({ identifiers: [HZ_MCH] })).toMatchObject({ record: { name: '杭州市妇女儿童医院' } });
  });

  it('answers are frozen (callers share them); a failed read is not kept', async () => {
    const { store, reads, failNext } = counted(new MemoryRegistryStore());
    const registry = cachedRegistry(store);
    await registry.upsert(BATCH);
    failNext();
    await expect(registry.organization('org-hz-mch')).rejects.toThrow('registry statement failed');
    const org = await registry.organization('org-hz-mch');
    expect(org?.name).toBe('杭州市妇幼保健院');
    expect(Object.isFrozen(org)).toBe(true);
    expect(reads()).toBe(2);
  });

  it('keeps at most `max` answers, the least recently used going first', async () => {
    const { store, reads } = counted(new MemoryRegistryStore());
    const registry = cachedRegistry(store, 2);
    await registry.organization('a');
    await registry.organization('b');
    await registry.organization('a');
    await registry.organization('c'); // evicts b
    const before = reads();
    await registry.organization('a');
    await registry.organization('c');
    expect(reads()).toBe(before);
    await registry.organization('b');
    expect(reads()).toBe(before + 1);
  });
});
