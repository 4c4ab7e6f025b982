import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearer, ISS, makeKey, signToken, type TestKey } from '../auth/support/tokens.js';
import { expectConformant } from '../support/expect-conformant.js';
import { buildE2eApp, example, NOW_SECONDS, PUBLIC_BASE_URL, type E2eApp } from './support/e2e-app.js';
import { againstEhr, startFallbackEhr, type FallbackEhr } from './support/fhir-fallback.js';

/**
 * AUTH_MODE=jwt end to end: the real authenticator (config from TRUSTED_ISSUERS with an inline
 * JWKS holding an ES384 key generated here), in front of the real services and snapshot loader.
 */
const SERVICE = 'prenatal-diagnosis-referral';
const SERVICE_URL = `${PUBLIC_BASE_URL}/cds-services/${SERVICE}`;
const FEEDBACK_URL = `${SERVICE_URL}/feedback`;
const EXAMPLE_FHIR = 'https://ehr.example.cn/fhir';

let key: TestKey;
beforeAll(async () => {
  key = await makeKey('ES384', `e2e-es384-${randomUUID()}`);
});

const ehrs: FallbackEhr[] = [];
afterEach(async () => {
  for (const e of ehrs.splice(0)) {
    await e.stub.close();
    expect(e.stub.unexpected).toEqual([]);
    expect(e.badAuth).toEqual([]);
  }
});

function jwtApp(fhirServers: readonly string[]): E2eApp {
  const issuers = [{ iss: ISS, jwks: { keys: [key.jwk] }, fhirServers }];
  return buildE2eApp({ env: { AUTH_MODE: 'jwt', TRUSTED_ISSUERS: JSON.stringify(issuers) } });
}

function token(aud: string, claims: Record<string, unknown> = {}): Promise<string> {
  return signToken(key, { now: NOW_SECONDS, claims: { iss: ISS, aud, ...claims } });
}

function post(app: E2eApp, path: string, authorization: string | undefined, body: unknown): request.Test {
  const req = request(app.app).post(path).set('Content-Type', 'application/json');
  if (authorization !== undefined) req.set('Authorization', authorization);
  return req.send(JSON.stringify(body));
}

/** A 401 says nothing about why (docs/design.md#errors): one issue, the catalogue text, no diagnostics. */
function expectBare401(res: request.Response): void {
  expect(res.status).toBe(401);
  const body = res.body as { resourceType: string; issue: Record<string, unknown>[] };
  expect(body.resourceType).toBe('OperationOutcome');
  expect(body.issue).toHaveLength(1);
  expect(body.issue[0]).not.toHaveProperty('diagnostics');
  expect(body.issue[0]).not.toHaveProperty('expression');
  expect(JSON.stringify(body)).not.toMatch(/aud|audience|jti|replay|fhirServer|allow/i);
}

describe('AUTH_MODE=jwt with a trusted issuer (inline JWKS, ES384)', () => {
  it('a valid token for this endpoint → 200 with the referral card; the token never reaches the log', async () => {
    const app = jwtApp([EXAMPLE_FHIR]);
    const jwt = await token(SERVICE_URL);
    const res = await post(app, `/cds-services/${SERVICE}`, bearer(jwt), example(SERVICE));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectConformant(res.body);
    expect((res.body as { cards: unknown[] }).cards).toHaveLength(1);
    expect(app.logLines().join('\n')).not.toContain(jwt);
  });

  it('no Authorization header → 401', async () => {
    expectBare401(await post(jwtApp([EXAMPLE_FHIR]), `/cds-services/${SERVICE}`, undefined, example(SERVICE)));
  });

  it("a token whose aud is another service's URL → 401 with no detail", async () => {
    const app = jwtApp([EXAMPLE_FHIR]);
    const jwt = await token(`${PUBLIC_BASE_URL}/cds-services/special-technique-order-sign`);
    expectBare401(await post(app, `/cds-services/${SERVICE}`, bearer(jwt), example(SERVICE)));
  });

  it('a token signed by a key the issuer does not publish → 401', async () => {
    const app = jwtApp([EXAMPLE_FHIR]);
    const stranger = await makeKey('ES384', key.kid);
    const jwt = await signToken(stranger, { now: NOW_SECONDS, claims: { iss: ISS, aud: SERVICE_URL } });
    expectBare401(await post(app, `/cds-services/${SERVICE}`, bearer(jwt), example(SERVICE)));
  });

  it("a fhirServer not on the issuer's allow-list → 401 before any FHIR call", async () => {
    const fhir = await startFallbackEhr(SERVICE, example(SERVICE));
    ehrs.push(fhir);
    const app = jwtApp([EXAMPLE_FHIR]);
    const jwt = await token(SERVICE_URL);
    expectBare401(await post(app, `/cds-services/${SERVICE}`, bearer(jwt), againstEhr(example(SERVICE), fhir.stub.fhirServer, undefined)));
    expect(fhir.stub.calls).toHaveLength(0);
  });

  it('the same fhirServer, once allow-listed, is fetched from (control for the test above)', async () => {
    const fhir = await startFallbackEhr(SERVICE, example(SERVICE));
    ehrs.push(fhir);
    const app = jwtApp([`${fhir.stub.fhirServer}/`]);
    const jwt = await token(SERVICE_URL);
    const res = await post(app, `/cds-services/${SERVICE}`, bearer(jwt), againstEhr(example(SERVICE), fhir.stub.fhirServer, undefined));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(fhir.stub.calls.length).toBe(Object.keys(fhir.paths).length);
  });

  it('the same jti twice → the second call is 401', async () => {
    const app = jwtApp([EXAMPLE_FHIR]);
    const jwt = await token(SERVICE_URL);
    const first = await post(app, `/cds-services/${SERVICE}`, bearer(jwt), example(SERVICE));
    expect(first.status).toBe(200);
    expectBare401(await post(app, `/cds-services/${SERVICE}`, bearer(jwt), example(SERVICE)));
    // A fresh token (new jti) is accepted again.
    const again = await post(app, `/cds-services/${SERVICE}`, bearer(await token(SERVICE_URL)), example(SERVICE));
    expect(again.status).toBe(200);
  });

  describe('feedback endpoint', () => {
    const feedback = (): Record<string, unknown> => ({
      feedback: [{ card: randomUUID(), outcome: 'overridden', outcomeTimestamp: '2026-11-23T02:05:00Z' }],
    });

    it('a token addressed to the service endpoint (not /feedback) → 401, nothing stored', async () => {
      const app = jwtApp([EXAMPLE_FHIR]);
      expectBare401(await post(app, `/cds-services/${SERVICE}/feedback`, bearer(await token(SERVICE_URL)), feedback()));
      expect(app.feedback.all()).toEqual([]);
    });

    it('a token addressed to the feedback URL → 200, stored with the verified issuer', async () => {
      const app = jwtApp([EXAMPLE_FHIR]);
      // Feedback is taken only on a card this service answered to this issuer (docs/design.md#audit).
      const call = await post(app, `/cds-services/${SERVICE}`, bearer(await token(SERVICE_URL)), example(SERVICE));
      const card = (call.body as { cards: { uuid: string }[] }).cards[0]?.uuid;
      const body = { feedback: [{ card, outcome: 'overridden', outcomeTimestamp: '2026-11-23T02:05:00Z' }] };
      expectBare401(await post(app, `/cds-services/${SERVICE}/feedback`, bearer(await token(SERVICE_URL)), body));
      expect((await post(app, `/cds-services/${SERVICE}/feedback`, bearer(await token(FEEDBACK_URL)), feedback())).status).toBe(400);
      const res = await post(app, `/cds-services/${SERVICE}/feedback`, bearer(await token(FEEDBACK_URL)), body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(app.feedback.all().map((r) => r.issuer)).toEqual([ISS]);
    });
  });
});
