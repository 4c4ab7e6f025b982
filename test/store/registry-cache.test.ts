import { afterAll, describe, expect, it } from 'vitest';
import type { RegistryStore } from '../../src/orders/credential-records.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { migrate } from '../../src/store/migrate.js';
import { createPgliteSql, MEMORY_DATA_DIR } from '../../src/store/pglite-sql.js';
import { keptRegistry } from '../../src/store/kept-registry.js';
import { cachedRegistry } from '../../src/store/registry-cache.js';
import { createSqlRegistryStore } from '../../src/store/sql-registry-store.js';
import type { Sql } from '../../src/store/sql.js';
import { counted, HZ_MCH_BATCH as BATCH, HZ_MCH_LICENCE as HZ_MCH } from './counted-registry.js';
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
    const registry = cachedRegistry(store, { max: 2 });
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

  it('keeps an answer at most `maxAgeMs`', async () => {
    const { store, reads } = counted(new MemoryRegistryStore());
    let now = 1_000_000;
    const registry = cachedRegistry(store, { maxAgeMs: 10_000, now: () => now });
    await registry.organization('org-hz-mch');
    now += 9_999;
    await registry.organization('org-hz-mch');
    expect(reads()).toBe(1);
    now += 1;
    await registry.organization('org-hz-mch');
    expect(reads()).toBe(2);
    await registry.organization('org-hz-mch');
    expect(reads()).toBe(2);
  });

  it('off (`serve(false)`): every read goes to the store and none is kept; on again, answers are kept anew', async () => {
    const { store, reads } = counted(new MemoryRegistryStore());
    const registry = cachedRegistry(store);
    await registry.upsert(BATCH);
    await registry.practitioner('pr-wang-fang');
    registry.serve(false);
    await registry.practitioner('pr-wang-fang');
    await registry.practitioner('pr-wang-fang');
    expect(reads()).toBe(3);
    registry.serve(true);
    await registry.practitioner('pr-wang-fang');
    await registry.practitioner('pr-wang-fang');
    expect(reads()).toBe(4);
    registry.forget();
    expect(await registry.practitioner('pr-wang-fang')).toMatchObject({ name: '王芳' });
    expect(reads()).toBe(5);
  });

  it('kept by the composition: on the embedded store at once; on a server it cannot listen to, never', async () => {
    const logger = { info: () => undefined, warn: () => undefined };
    const embedded = counted(new MemoryRegistryStore());
    const kept = keptRegistry(embedded.store, { engine: 'pglite', databaseUrl: undefined, connectTimeoutMs: 1_000, logger });
    await kept.registry.organization('org-hz-mch');
    await kept.registry.organization('org-hz-mch');
    expect(embedded.reads()).toBe(1);
    const server = counted(new MemoryRegistryStore());
    const unheard = keptRegistry(server.store, { engine: 'postgres', databaseUrl: undefined, connectTimeoutMs: 1_000, logger });
    await unheard.registry.organization('org-hz-mch');
    await unheard.registry.organization('org-hz-mch');
    expect(server.reads()).toBe(2);
    await Promise.all([kept.stopListening(), unheard.stopListening()]);
  });
});
