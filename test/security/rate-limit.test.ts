import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { createRateLimiter } from '../../src/http/rate-limit.js';
import { buildHarness, patientViewRequest } from '../support/app-fixture.js';
import { goodReferral } from '../fuzz/support/fuzz-check.js';
import { outcomeCode } from '../fuzz/support/real-app.js';
import { composeForTest, type Composed } from './support/composed.js';

/** RATE_LIMIT_PER_MINUTE: a token bucket per verified issuer, applied after authentication. */
describe('createRateLimiter', () => {
  it('allows a burst of perMinute, then refuses until a token has refilled', () => {
    let now = 0;
    const limiter = createRateLimiter({ perMinute: 3, nowMs: () => now });
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false]);
    expect(limiter.retryAfterSeconds('a')).toBe(20);
    expect(limiter.take('b')).toBe(true);
    now += 19_999;
    expect(limiter.take('a')).toBe(false);
    now += 1;
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
    now += 10 * 60_000;
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false]);
  });

  it('0 means unlimited', () => {
    const limiter = createRateLimiter({ perMinute: 0, nowMs: () => 0 });
    expect(Array.from({ length: 10_000 }, () => limiter.take('a')).every(Boolean)).toBe(true);
    expect(limiter.retryAfterSeconds('a')).toBe(0);
  });

  it('keeps at most maxIssuers buckets (the oldest is forgotten)', () => {
    const limiter = createRateLimiter({ perMinute: 1, nowMs: () => 0, maxKeys: 2 });
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('b')).toBe(true);
    expect(limiter.take('c')).toBe(true);
    expect(limiter.take('c')).toBe(false);
    expect(limiter.take('a')).toBe(true);
  });
});

describe('POST /cds-services/{id} with RATE_LIMIT_PER_MINUTE', () => {
  const harness = (perMinute: string) =>
    buildHarness({
      env: { RATE_LIMIT_PER_MINUTE: perMinute },
      deps: { authenticate: async (r) => ({ issuer: r.authorization ?? 'none' }) },
    });
  const call = (h: ReturnType<typeof harness>, issuer: string) =>
    request(h.app).post('/cds-services/prenatal-diagnosis-referral').set('authorization', issuer).send(patientViewRequest());

  it('429 rate-limited with Retry-After once an issuer is over its limit; other issuers unaffected', async () => {
    const h = harness('3');
    for (let i = 0; i < 3; i += 1) expect((await call(h, 'iss-a')).status).toBe(200);
    const limited = await call(h, 'iss-a');
    expect(limited.status).toBe(429);
    expect(outcomeCode(limited.body)).toBe('rate-limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await call(h, 'iss-b')).status).toBe(200);
    expect(h.handled).toHaveLength(4);
  });

  it('is off by default (0)', async () => {
    const h = harness('0');
    for (let i = 0; i < 30; i += 1) expect((await call(h, 'iss-a')).status).toBe(200);
  });

  it('an unauthenticated caller gets 401, not 429, and consumes nothing', async () => {
    const h = buildHarness({
      env: { RATE_LIMIT_PER_MINUTE: '1' },
      deps: {
        authenticate: async (r) => {
          if (r.authorization !== 'good') throw new AppError('unauthorized');
          return { issuer: 'iss' };
        },
      },
    });
    for (let i = 0; i < 5; i += 1) expect((await call(h, 'bad')).status).toBe(401);
    expect((await call(h, 'good')).status).toBe(200);
  });
});

describe('one bucket per issuer across every EHR-authenticated endpoint', () => {
  // The production composition: JWT auth (the issuer is the verified `iss`) and the PGlite store.
  let c: Composed;
  beforeAll(async () => {
    c = await composeForTest([], { RATE_LIMIT_PER_MINUTE: '4' });
  });
  afterAll(async () => {
    await c.close();
  });

  const post = async (path: string, body: object) =>
    request(c.app)
      .post(path)
      .set('authorization', `Bearer ${await c.token(path)}`)
      .send(body);

  it("feedback and acknowledgements draw on the hook calls' bucket; the 5th call of any kind is 429", async () => {
    const hook = await post('/cds-services/prenatal-diagnosis-referral', goodReferral());
    expect(hook.status).toBe(200);
    // Feedback is taken only on a card this service answered to this EHR.
    const card = (hook.body as { cards: { uuid: string }[] }).cards[0]?.uuid;
    const feedback = await post('/cds-services/prenatal-diagnosis-referral/feedback', {
      feedback: [{ card, outcome: 'overridden', outcomeTimestamp: '2026-11-23T02:00:00Z' }],
    });
    expect(feedback.status).toBe(200);
    const ack = {
      id: 'ack-1',
      signer: { kind: 'patient', name: '王丽' },
      decision: 'accepted-referral',
      signedAt: '2026-11-23T02:00:00Z',
      recordedBy: 'Practitioner/p1',
    };
    // An unknown notice is still a call: it is counted (404), like the others.
    const ackPath = `/notices/${randomUUID()}/acknowledgement`;
    expect((await post(ackPath, ack)).status).toBe(404);
    expect((await post('/cds-services/prenatal-diagnosis-referral/feedback', { feedback: [] })).status).toBe(400);
    for (const [path, body] of [
      ['/cds-services/prenatal-diagnosis-referral', goodReferral()],
      ['/cds-services/prenatal-diagnosis-referral/feedback', { feedback: [] }],
      [`/notices/${randomUUID()}/acknowledgement`, ack],
    ] as const) {
      const res = await post(path, body);
      expect(res.status, path).toBe(429);
      expect(outcomeCode(res.body)).toBe('rate-limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
  });
});
