import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore } from '../../src/store/audit-store.js';
import { migrate } from '../../src/store/migrate.js';
import { createPgliteSql } from '../../src/store/pglite-sql.js';
import { storeUnavailable, type Sql } from '../../src/store/sql.js';
import { buildHarness, type Harness } from '../support/app-fixture.js';
import { goodReferral } from '../fuzz/support/fuzz-check.js';
import { buildRealHarness, outcomeCode } from '../fuzz/support/real-app.js';

/**
 * The audit store goes away and comes back: a real (in-memory PGlite) store behind a Sql whose
 * connection can be cut — failing exactly as the adapters fail (AppError `store-unavailable`).
 * While it is down: 503 for hook calls, feedback, notice pages and /readyz (/healthz stays 200);
 * nothing is answered 200 that was not stored. Once it is back: everything answers again.
 */
let real: Sql;
let down = false;
let h: Harness;

function switchable(sql: Sql): Sql {
  const cut = (): never => {
    throw storeUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
  };
  return {
    query: async (text, params, options) => (down ? cut() : sql.query(text, params, options)),
    transaction: async (fn) => (down ? cut() : sql.transaction((tx) => fn(switchable(tx)))),
    close: () => sql.close(),
  };
}

beforeAll(async () => {
  real = await createPgliteSql('memory://');
  await migrate(real);
  const sql = switchable(real);
  const audit = createAuditStore(sql);
  h = buildRealHarness(
    {},
    {
      notices: audit,
      feedback: audit,
      audit,
      recordHookCall: async (rec) => {
        await audit.recordHookCall(rec);
      },
      ready: async () => {
        await sql.query('select 1', []);
      },
    },
  );
});

afterAll(async () => {
  await real.close();
});

const REFERRAL = '/cds-services/prenatal-diagnosis-referral';
const hookCalls = async (): Promise<number> => {
  const [row] = await real.query<{ n: number }>('select count(*)::int as n from hook_call', []);
  return row?.n ?? -1;
};

describe('store unavailable → 503, then recovery', () => {
  it('while up: 200 and readyz 200', async () => {
    expect((await request(h.app).get('/readyz')).status).toBe(200);
    const res = await request(h.app).post(REFERRAL).send(goodReferral());
    expect(res.status).toBe(200);
    expect(await hookCalls()).toBe(1);
  });

  it('while down: 503 store-unavailable everywhere it is needed; liveness stays 200', async () => {
    const before = await request(h.app).post(REFERRAL).send(goodReferral());
    const noticePath = new URL((before.body as { cards: { links: { url: string }[] }[] }).cards[0]?.links[0]?.url ?? '').pathname;
    down = true;
    try {
      const call = await request(h.app).post(REFERRAL).send(goodReferral());
      expect(call.status).toBe(503);
      expect(outcomeCode(call.body)).toBe('store-unavailable');
      const fb = await request(h.app)
        .post(`${REFERRAL}/feedback`)
        .send({
          feedback: [{ card: '9e2f4c2e-2b0a-4d5c-8c11-0b8f3a1d2e77', outcome: 'overridden', outcomeTimestamp: '2026-11-23T02:00:00Z' }],
        });
      expect(fb.status).toBe(503);
      expect((await request(h.app).get(noticePath)).status).toBe(503);
      const ready = await request(h.app).get('/readyz');
      expect(ready.status).toBe(503);
      expect(outcomeCode(ready.body)).toBe('store-unavailable');
      expect((await request(h.app).get('/healthz')).body).toEqual({ status: 'ok' });
    } finally {
      down = false;
    }
    expect(await hookCalls()).toBe(2);
  });

  it('back up: readyz 200, calls answered and recorded again', async () => {
    expect((await request(h.app).get('/readyz')).status).toBe(200);
    const res = await request(h.app).post(REFERRAL).send(goodReferral());
    expect(res.status).toBe(200);
    expect(await hookCalls()).toBe(3);
  });
});

describe('a hanging store', () => {
  it('/readyz answers 503 after its own bound instead of hanging; /healthz stays 200', async () => {
    const hanging = buildHarness({ deps: { ready: () => new Promise<void>(() => undefined) } });
    const started = performance.now();
    const ready = await request(hanging.app).get('/readyz');
    expect(ready.status).toBe(503);
    expect(outcomeCode(ready.body)).toBe('store-unavailable');
    expect(performance.now() - started).toBeLessThan(10_000);
    expect((await request(hanging.app).get('/healthz')).status).toBe(200);
  });

  it('/readyz without a readiness port (config loaded, no store) is 200', async () => {
    expect((await request(buildHarness().app).get('/readyz')).body).toEqual({ status: 'ready' });
  });
});
