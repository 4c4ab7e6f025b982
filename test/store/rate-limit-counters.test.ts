import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type OpenedStore } from '../../src/store/create-store.js';
import { MEMORY_DATA_DIR } from '../../src/store/pglite-sql.js';
import { createSqlRateCounters } from '../../src/store/rate-limit-counters.js';

/** The store's rate-limit counters (migration 14, docs/design.md#shared-rate-limit), on the migrated schema. */
describe('rate_limit_counter', () => {
  let store: OpenedStore;
  beforeAll(async () => {
    store = await createStore({ databaseUrl: undefined, dataDir: MEMORY_DATA_DIR });
  });
  afterAll(() => store.close());

  it('counts per limiter, key and window; prune deletes the windows that started before the bound, and only those', async () => {
    const c = createSqlRateCounters(store.sql);
    const [w0, w1, w2] = ['2026-11-23T02:00:00.000Z', '2026-11-23T02:01:00.000Z', '2026-11-23T02:02:00.000Z'];
    const iss = 'https://ehr.hz-first-hospital.example/oauth';
    expect([await c.count('issuer', iss, w0), await c.count('issuer', iss, w0), await c.count('issuer', iss, w0)]).toEqual([1, 2, 3]);
    expect(await c.count('auth-failure', iss, w0)).toBe(1);
    expect(await c.count('issuer', 'https://ehr.nb-maternity.example/oauth', w0)).toBe(1);
    expect(await c.count('issuer', iss, w1)).toBe(1);
    expect(await c.count('issuer', iss, w2)).toBe(1);

    expect(await c.prune(w1)).toBe(3);
    expect(await c.count('issuer', iss, w1)).toBe(2);
    expect(await c.count('issuer', iss, w0)).toBe(1);
    const rows = await store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM rate_limit_counter');
    expect(rows[0]?.n).toBe(3);
  });
});
