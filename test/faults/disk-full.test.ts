import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clinicalNowAt, type Clock } from '../../src/clock.js';
import { REPEATED_ERROR_LOG_INTERVAL_MS } from '../../src/log-dedup.js';
import { assembleStore, type OpenedStore } from '../../src/store/create-store.js';
import { migrate } from '../../src/store/migrate.js';
import { createPgliteSql } from '../../src/store/pglite-sql.js';
import { storeUnavailable, type Sql } from '../../src/store/sql.js';
import type { Harness } from '../support/app-fixture.js';
import { goodReferral } from '../fuzz/support/fuzz-check.js';
import { buildRealHarness, outcomeCode } from '../fuzz/support/real-app.js';

/**
 * A full disk: reads work, every write fails (as PostgreSQL fails them, SQLSTATE 53100
 * disk_full, mapped to `store-unavailable` like any driver failure). Readiness follows the last
 * write (docs/design.md#readiness): /readyz is 503 while writes fail — its own probe write fails
 * too — and 200 again once a write succeeds. The identical errors are logged once per interval
 * with a count (the clock is moved, never slept on).
 */
let real: Sql;
let full = false;
let store: OpenedStore;
let h: Harness;
let nowMs = Date.parse('2026-11-23T02:00:00Z');
const clock: Clock = { now: () => clinicalNowAt(new Date(nowMs), 'Asia/Shanghai') };

const isWrite = (text: string): boolean => /^\s*(INSERT|UPDATE|DELETE|WITH)\b/i.test(text);

/** The real Sql, with writes failing while `full`: the disk has no room, reads still answer. */
function diskFullable(sql: Sql): Sql {
  const noSpace = (): never => {
    throw storeUnavailable(Object.assign(new Error('could not extend file: No space left on device'), { code: '53100' }));
  };
  return {
    query: async (text, params, options) => (full && isWrite(text) ? noSpace() : sql.query(text, params, options)),
    transaction: (fn) => sql.transaction((tx) => fn(diskFullable(tx))),
    close: () => sql.close(),
  };
}

const REFERRAL = '/cds-services/prenatal-diagnosis-referral';
const storeErrorLines = () => h.logLines().filter((l) => l.code === 'store-unavailable');
const hookCalls = async (): Promise<number> => {
  const [row] = await real.query<{ n: number }>('select count(*)::int as n from hook_call', []);
  return row?.n ?? -1;
};

beforeAll(async () => {
  real = await createPgliteSql('memory://');
  const sql = diskFullable(real);
  store = assembleStore(sql, 'pglite', await migrate(sql));
  h = buildRealHarness(
    {},
    {
      clock,
      notices: store.audit,
      feedback: store.audit,
      audit: store.audit,
      recordHookCall: async (rec) => {
        await store.audit.recordHookCall(rec);
      },
      ready: () => store.ready(),
    },
  );
});

afterAll(async () => {
  await real.close();
});

describe('full disk', () => {
  it('ready and answering while writes succeed', async () => {
    expect((await request(h.app).get('/readyz')).status).toBe(200);
    expect((await request(h.app).post(REFERRAL).send(goodReferral())).status).toBe(200);
    expect(await hookCalls()).toBe(1);
  });

  it('every write failing: 503 for the calls, /readyz 503, one log line for 21 identical failures', async () => {
    full = true;
    for (let i = 0; i < 20; i++) {
      const res = await request(h.app).post(REFERRAL).send(goodReferral());
      expect(res.status).toBe(503);
      expect(outcomeCode(res.body)).toBe('store-unavailable');
    }
    const ready = await request(h.app).get('/readyz');
    expect(ready.status).toBe(503);
    expect(outcomeCode(ready.body)).toBe('store-unavailable');
    expect(storeErrorLines()).toHaveLength(1);
    expect(storeErrorLines()[0]?.repeated).toBe(0);
    // Past the interval the next one is logged, with the count left out in between.
    nowMs += REPEATED_ERROR_LOG_INTERVAL_MS + 1;
    expect((await request(h.app).post(REFERRAL).send(goodReferral())).status).toBe(503);
    expect(storeErrorLines()).toHaveLength(2);
    // Left out: the 19 other calls and the readiness probe — the same failure underneath.
    expect(storeErrorLines()[1]?.repeated).toBe(20);
    expect(await hookCalls()).toBe(1);
  });

  it('room again: the probe write succeeds, /readyz 200, calls stored', async () => {
    full = false;
    expect((await request(h.app).get('/readyz')).status).toBe(200);
    expect((await request(h.app).post(REFERRAL).send(goodReferral())).status).toBe(200);
    expect(await hookCalls()).toBe(2);
  });

  it('a failed write is enough to be not ready, and a successful call is enough to be ready again', async () => {
    full = true;
    expect((await request(h.app).post(REFERRAL).send(goodReferral())).status).toBe(503);
    full = false;
    expect((await request(h.app).post(REFERRAL).send(goodReferral())).status).toBe(200);
    expect((await request(h.app).get('/readyz')).status).toBe(200);
  });
});
