import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { emptyResult } from '../../src/engine/service.js';
import { ISS, T0, bearer, makeKey, signToken } from '../auth/support/tokens.js';
import { buildHarness, patientViewRequest, PUBLIC_BASE_URL } from '../support/app-fixture.js';

/** Request ids (docs/design.md#logging): the X-Request-Id header and `reqId` on every log line of the request. */

const SERVICE = 'prenatal-diagnosis-referral';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A harness whose referral service reports one rule error: the call then logs more than its access line. */
function harness() {
  return buildHarness({
    services: {
      [SERVICE]: ({ now }) =>
        emptyResult(now, {
          ruleErrors: [
            { rule: 'ama', version: '1.0.0', citation: 'ZJ-2023 Art.24(1)', cause: '张三 的记录无法读取', errorClass: 'TypeError' },
          ],
          ruleRuns: 8,
        }),
    },
  });
}

const call = (app: ReturnType<typeof createApp>, id?: string) => {
  const r = request(app)
    .post(`/cds-services/${SERVICE}`)
    .send(patientViewRequest({ context: { userId: 'Practitioner/pr-1', patientId: 'p-wang-fang' } }));
  return id === undefined ? r : r.set('X-Request-Id', id);
};

describe('X-Request-Id', () => {
  it('a request without one gets a new UUID, answered in the header and on its access line', async () => {
    const h = harness();
    const res = await call(h.app).expect(200);
    const id = res.headers['x-request-id'];
    expect(id).toMatch(UUID);
    const access = h.logLines().filter((l) => l['msg'] === 'request');
    expect(access.map((l) => l['reqId'])).toEqual([id]);
  });

  it('a safe incoming id is echoed; ids differ between requests', async () => {
    const h = harness();
    const safe = 'nginx-7f3a.2026-11-23T10:00:00_Z';
    expect((await call(h.app, safe).expect(200)).headers['x-request-id']).toBe(safe);
    const a = (await call(h.app).expect(200)).headers['x-request-id'];
    const b = (await call(h.app).expect(200)).headers['x-request-id'];
    expect(a).not.toBe(b);
    expect((await call(h.app, 'x'.repeat(128)).expect(200)).headers['x-request-id']).toBe('x'.repeat(128));
  });

  it.each([
    ['a space', 'abc def'],
    ['a slash', 'a/b'],
    ['quotes and braces', '"}{"reqId":"forged"'],
    ['129 characters', 'x'.repeat(129)],
    ['empty', ''],
  ])('an unsafe incoming id (%s) is replaced by a UUID', async (_what, unsafe) => {
    const h = harness();
    const id = (await call(h.app, unsafe).expect(200)).headers['x-request-id'];
    expect(id).toMatch(UUID);
    expect(JSON.stringify(h.logLines())).not.toContain('forged');
  });

  it('is on error answers too (404, 400), with the error handler’s line', async () => {
    const h = harness();
    const missing = await request(h.app).get('/nowhere').set('X-Request-Id', 'probe-404');
    expect(missing.status).toBe(404);
    expect(missing.headers['x-request-id']).toBe('probe-404');
    const bad = await request(h.app).post(`/cds-services/${SERVICE}`).set('X-Request-Id', 'probe-400').send({ hook: 'patient-view' });
    expect(bad.status).toBe(400);
    const lines = h.logLines().filter((l) => l['reqId'] === 'probe-400');
    expect(lines.map((l) => l['msg']).sort()).toEqual(['request', 'request refused']);
  });

  it('every log line of a request carries its id, and only its own, when requests interleave', async () => {
    const h = harness();
    await Promise.all([call(h.app, 'call-a').expect(200), call(h.app, 'call-b').expect(200)]);
    const lines = h.logLines();
    for (const id of ['call-a', 'call-b']) {
      const mine = lines.filter((l) => l['reqId'] === id);
      expect(mine.map((l) => l['msg']).sort()).toEqual(['request', 'rule failed: could not evaluate']);
    }
    // Nothing logged during the calls lacks an id; the rule error's message (patient text) is never logged.
    expect(lines.filter((l) => l['reqId'] === undefined)).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain('张三');
  });

  it('a rejected JWT: the authenticator’s line carries the id, never the token', async () => {
    const key = await makeKey('ES384', 'k-1');
    const h = buildHarness({ env: { AUTH_MODE: 'jwt', TRUSTED_ISSUERS: JSON.stringify([{ iss: ISS, jwks: { keys: [key.jwk] } }]) } });
    const app = createApp({ ...h.deps, authenticate: createAuthenticator(h.deps.config, { logger: h.deps.logger, nowSeconds: () => T0 }) });
    // Signed for another endpoint: a real signature, the wrong audience.
    const token = await signToken(key, { now: T0, claims: { aud: `${PUBLIC_BASE_URL}/cds-services/nipt-order-check` } });
    const res = await request(app)
      .post(`/cds-services/${SERVICE}`)
      .set('Authorization', bearer(token))
      .set('X-Request-Id', 'ehr-req-42')
      .send(patientViewRequest());
    expect(res.status).toBe(401);
    expect(res.headers['x-request-id']).toBe('ehr-req-42');
    const lines = h.logLines().filter((l) => l['reqId'] === 'ehr-req-42');
    expect(lines.map((l) => l['msg'])).toContain('EHR JWT rejected');
    expect(lines.map((l) => l['msg'])).toContain('request');
    const text = JSON.stringify(h.logLines());
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[2]);
  });
});
