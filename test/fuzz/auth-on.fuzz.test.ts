import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { base64url, SignJWT } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_IDS } from '../../src/cds-hooks/hooks.js';
import { composeForTest, ISS, PUBLIC_BASE_URL, type Composed } from '../security/support/composed.js';
import { goodReferral, tried, Violations } from './support/fuzz-check.js';
import { outcomeCode } from './support/real-app.js';

/**
 * Bad input with authentication ON: the production composition (compose(): JWT mode with the real
 * authenticator and an inline ES384 JWKS, the PGlite store, the real services). Generated
 * Authorization headers and tokens (garbage, hostile headers, every claim broken in turn, broken
 * signatures) against every EHR-authenticated endpoint, and generated bodies behind valid tokens.
 * Properties: never a 5xx; a token that is not valid in every respect is always 401
 * `unauthorized` (429 `rate-limited` once its address is over AUTH_FAILURE_LIMIT_PER_MINUTE); a
 * valid one is never 401 nor 429; the service still answers the next good call.
 */
let c: Composed;
const logLines = () => c.lines.map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  // Every failure here must stay a 401: the per-address failure limit has its own suite below.
  c = await composeForTest([], { AUTH_FAILURE_LIMIT_PER_MINUTE: '0' });
});
afterAll(async () => {
  await c.close();
  console.log(`[fuzz] auth-on: ${tried.count} bad inputs tried`);
});

const PATHS = [
  ...SERVICE_IDS.map((id) => `/cds-services/${id}`),
  ...SERVICE_IDS.map((id) => `/cds-services/${id}/feedback`),
  `/notices/${randomUUID()}/acknowledgement`,
];
const path = fc.constantFrom(...PATHS);
const json = fc.jsonValue({ maxDepth: 3 });
const printable = (s: string) => /^[\t\x20-\x7e]*$/.test(s);
const enc = (v: unknown) => base64url.encode(typeof v === 'string' ? v : JSON.stringify(v));

/** A claim either as a valid token has it, or broken (wrong value, wrong type, or absent). */
type Choice = { valid: true } | { valid: false; value: unknown };
const claimChoice = (broken: fc.Arbitrary<unknown>): fc.Arbitrary<Choice> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant<Choice>({ valid: true }) },
    { weight: 1, arbitrary: broken.map((value): Choice => ({ valid: false, value })) },
  );
const now = () => Math.floor(Date.now() / 1000);
const notNumber = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.constant(undefined),
);
// Broken times sit at least a minute past the 30 s skew (and the 300 s age limit), so that a slow
// machine between signing and checking cannot turn a broken claim into a valid one.
const claims = fc.record({
  iss: claimChoice(fc.oneof(fc.constantFrom(`${ISS}/`, ISS.toUpperCase(), 'https://evil.example/oauth', '', undefined), json)),
  aud: claimChoice(
    fc.oneof(
      fc.constantFrom(`${PUBLIC_BASE_URL}/cds-services/other`, PUBLIC_BASE_URL, `${PUBLIC_BASE_URL}/qc/cases`, undefined),
      fc.integer(),
    ),
  ),
  exp: claimChoice(
    fc.oneof(
      fc.integer({ min: -3600 * 24, max: -90 }).map((d) => ({ offset: d })),
      notNumber,
    ),
  ),
  iat: claimChoice(
    fc.oneof(
      fc.integer({ min: 90, max: 3600 * 24 }).map((d) => ({ offset: d })),
      fc.integer({ min: 300 + 90, max: 3600 * 24 }).map((d) => ({ offset: -d })),
      notNumber,
    ),
  ),
  jti: claimChoice(fc.oneof(fc.constantFrom('', undefined), fc.integer(), fc.constant({}))),
});

/** The claim's value in the token: the valid one, or the broken one (offsets are relative to now). */
function claimValue(name: string, choice: Choice, target: string): unknown {
  const t = now();
  if (choice.valid)
    return ({ iss: ISS, aud: `${PUBLIC_BASE_URL}${target}`, exp: t + 300, iat: t, jti: randomUUID() } as Record<string, unknown>)[name];
  const v = choice.value;
  if (v && typeof v === 'object' && 'offset' in v) return t + (v as { offset: number }).offset;
  return v;
}

async function signedWith(choices: Record<string, Choice>, target: string): Promise<string> {
  const payload: Record<string, unknown> = { sub: 'ehr-client' };
  for (const [name, choice] of Object.entries(choices)) {
    const v = claimValue(name, choice, target);
    if (v !== undefined) payload[name] = v;
  }
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: c.key.kid }).sign(c.key.privateKey);
}

/** A body each endpoint would accept, so that authentication is what decides. */
function goodBodyFor(target: string): object {
  if (target.endsWith('/feedback'))
    return { feedback: [{ card: randomUUID(), outcome: 'overridden', outcomeTimestamp: new Date().toISOString() }] };
  if (target.endsWith('/acknowledgement')) {
    return {
      id: 'ack-1',
      signer: { kind: 'patient', name: '王丽' },
      decision: 'accepted-referral',
      signedAt: new Date().toISOString(),
      recordedBy: 'Practitioner/p1',
    };
  }
  return goodReferral();
}

const send = (target: string, authorization: string | undefined, body: object = goodBodyFor(target)) => {
  const r = request(c.app).post(target);
  if (authorization !== undefined) r.set('authorization', authorization);
  return r.send(body);
};

async function expectStillAnswersWithToken(): Promise<void> {
  const target = '/cds-services/prenatal-diagnosis-referral';
  const res = await send(target, `Bearer ${await c.token(target)}`);
  expect(res.status).toBe(200);
  expect((res.body as { cards: unknown[] }).cards).toHaveLength(1);
}

describe('authentication on: generated Authorization headers and tokens', () => {
  it('garbage headers and malformed tokens: always 401 unauthorized', async () => {
    const v = new Violations({ logLines });
    const segment = fc.oneof(
      fc.base64String({ maxLength: 60 }).map((s) => s.replace(/=/g, '')),
      fc.string({ maxLength: 30 }).filter(printable),
      json.map(enc),
    );
    const header = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 80 }).filter(printable),
      fc
        .string({ maxLength: 80 })
        .filter(printable)
        .map((s) => `Bearer ${s}`),
      fc.tuple(segment, segment, segment).map((parts) => `Bearer ${parts.join('.')}`),
      fc.tuple(json, json, segment).map(([h, p, s]) => `Bearer ${enc(h)}.${enc(p)}.${s}`),
      fc.constantFrom('Bearer', 'Bearer ', 'bearer x.y.z', 'Basic dXNlcjpwYXNz', 'Bearer a.b.c.d.e', `Bearer ${'a'.repeat(8_000)}`),
    );
    await fc.assert(
      fc.asyncProperty(path, header, async (target, authorization) => {
        const res = await send(target, authorization);
        v.check(res, `${target} ${authorization?.slice(0, 120)}`);
        expect(res.status, `${target} ${authorization?.slice(0, 120)}`).toBe(401);
        expect(outcomeCode(res.body)).toBe('unauthorized');
      }),
      { numRuns: 300 },
    );
    await expectStillAnswersWithToken();
    v.assertNone();
  });

  it('hostile headers on well-formed tokens (alg none/HS256/RS256, unknown or missing kid, jku, tampered signature): always 401', async () => {
    const v = new Violations({ logLines });
    const hostile = fc.record({
      alg: fc.constantFrom('none', 'HS256', 'HS384', 'RS256', 'ES256', 'PS384', 'ES384'),
      kid: fc.oneof(fc.constantFrom(undefined, 'other-kid', ''), fc.string({ maxLength: 10 })),
      jku: fc.constantFrom(undefined, 'http://127.0.0.1:1/jwks', 'https://evil.example/jwks'),
      tamper: fc.nat(),
    });
    await fc.assert(
      fc.asyncProperty(path, hostile, async (target, h) => {
        const valid = (await c.token(target)).split('.');
        const headerJson: Record<string, unknown> = { alg: h.alg, typ: 'JWT' };
        if (h.kid !== undefined) headerJson.kid = h.kid;
        if (h.jku !== undefined) headerJson.jku = h.jku;
        const untouched = h.alg === 'ES384' && h.kid === c.key.kid && h.jku === undefined;
        // Re-headed tokens keep the old signature (invalid for the new header); an untouched header gets a flipped signature byte.
        const sig = valid[2] ?? '';
        const i = h.tamper % sig.length;
        const flipped = `${sig.slice(0, i)}${sig[i] === 'A' ? 'B' : 'A'}${sig.slice(i + 1)}`;
        const token = untouched ? `${valid[0]}.${valid[1]}.${flipped}` : `${enc(headerJson)}.${valid[1]}.${h.alg === 'none' ? '' : sig}`;
        const res = await send(target, `Bearer ${token}`);
        v.check(res, `${target} ${JSON.stringify(h)}`);
        expect(res.status, JSON.stringify(h)).toBe(401);
      }),
      { numRuns: 150 },
    );
    await expectStillAnswersWithToken();
    v.assertNone();
  });

  it('signed tokens with claims broken at random: 401 unless every claim is valid, and then never 401', async () => {
    const v = new Violations({ logLines });
    let valid = 0;
    let broken = 0;
    await fc.assert(
      fc.asyncProperty(path, claims, async (target, choices) => {
        const allValid = Object.values(choices).every((ch) => ch.valid);
        const res = await send(target, `Bearer ${await signedWith(choices, target)}`);
        v.check(res, `${target} ${JSON.stringify(choices)}`);
        if (allValid) {
          valid += 1;
          expect(res.status, JSON.stringify(choices)).not.toBe(401);
        } else {
          broken += 1;
          expect(res.status, JSON.stringify(choices)).toBe(401);
        }
      }),
      { numRuns: 250 },
    );
    // Both sides of the oracle were exercised.
    expect(valid).toBeGreaterThan(10);
    expect(broken).toBeGreaterThan(100);
    await expectStillAnswersWithToken();
    v.assertNone();
  });

  it('a replayed token is refused however the body changes', async () => {
    const target = '/cds-services/prenatal-diagnosis-referral';
    const token = await c.token(target);
    expect((await send(target, `Bearer ${token}`)).status).toBe(200);
    await fc.assert(
      fc.asyncProperty(json, async (body) => {
        tried.count += 1;
        const res = await request(c.app)
          .post(target)
          .set('authorization', `Bearer ${token}`)
          .set('content-type', 'application/json')
          .send(JSON.stringify(body));
        expect(res.status).toBe(401);
      }),
      { numRuns: 50 },
    );
  });
});

describe('authentication on: generated bodies behind valid tokens', () => {
  it('any JSON value as the body of every endpoint: never a 5xx, never 401', async () => {
    const v = new Violations({ logLines });
    await fc.assert(
      fc.asyncProperty(path, json, async (target, body) => {
        const res = await request(c.app)
          .post(target)
          .set('authorization', `Bearer ${await c.token(target)}`)
          .set('content-type', 'application/json')
          .send(JSON.stringify(body));
        v.check(res, `${target} ${JSON.stringify(body).slice(0, 200)}`);
        expect(res.status).not.toBe(401);
      }),
      { numRuns: 200 },
    );
    await expectStillAnswersWithToken();
    v.assertNone();
  });

  it("a fhirServer outside the issuer's allow-list is refused (401) before any fetch, whatever the URL", async () => {
    const v = new Violations({ logLines });
    const url = fc.oneof(
      fc.webUrl(),
      fc.constantFrom('http://127.0.0.1:1/fhir', 'http://[::1]/fhir', 'file:///etc/passwd', 'http://169.254.169.254/latest'),
    );
    await fc.assert(
      fc.asyncProperty(url, async (fhirServer) => {
        const target = '/cds-services/prenatal-diagnosis-referral';
        const body = {
          ...goodReferral(),
          fhirServer,
          fhirAuthorization: { access_token: 'at-secret', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'cds' },
        };
        const res = await send(target, `Bearer ${await c.token(target)}`, body);
        v.check(res, fhirServer);
        expect(res.status, fhirServer).toBe(401);
      }),
      { numRuns: 100 },
    );
    expect(c.lines.join('\n')).not.toContain('at-secret');
    v.assertNone();
  });
});

describe('authentication on, with AUTH_FAILURE_LIMIT_PER_MINUTE: bad and good calls from one address', () => {
  const LIMIT = 5;
  let limited: Composed;
  beforeAll(async () => {
    limited = await composeForTest([], { AUTH_FAILURE_LIMIT_PER_MINUTE: String(LIMIT) });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('never a 5xx; a failure is 401, or 429 with Retry-After once over the limit; a valid token is always served; the next good call is answered', async () => {
    const v = new Violations({ logLines: () => limited.lines.map((l) => JSON.parse(l) as Record<string, unknown>) });
    const bad = fc.oneof(
      fc.constant<string | undefined>(undefined),
      fc.string({ maxLength: 40 }).filter(printable),
      fc.tuple(json, json).map(([h, p]) => `Bearer ${enc(h)}.${enc(p)}.${enc('sig')}`),
      fc.constant('tampered'),
    );
    const call = fc.oneof(
      { weight: 3, arbitrary: bad.map((h) => ({ good: false as const, h })) },
      { weight: 1, arbitrary: fc.constant({ good: true as const }) },
    );
    let failures = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(path, call, async (target, ch) => {
        let authorization: string | undefined;
        if (ch.good) authorization = `Bearer ${await limited.token(target)}`;
        else if (ch.h === 'tampered') {
          // The last character of an ES384 signature (96 bytes, 128 characters) carries whole bits: flipping it breaks it.
          const t = await limited.token(target);
          authorization = `Bearer ${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}`;
        } else authorization = ch.h;
        const r = request(limited.app).post(target);
        if (authorization !== undefined) r.set('authorization', authorization);
        const res = await r.send(goodBodyFor(target));
        const label = `${target} ${ch.good ? 'valid token' : String(ch.h).slice(0, 80)}`;
        if (ch.good) {
          v.check(res, label);
          expect([401, 429], label).not.toContain(res.status);
          return;
        }
        if (failures < LIMIT) expect(res.status, label).toBe(401);
        failures += 1;
        if (res.status === 429) {
          tried.count += 1;
          refused += 1;
          expect(outcomeCode(res.body)).toBe('rate-limited');
          expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        } else {
          v.check(res, label);
          expect(res.status, label).toBe(401);
        }
      }),
      { numRuns: 200 },
    );
    expect(failures).toBeGreaterThan(LIMIT * 10);
    expect(refused).toBeGreaterThan(0);
    const target = '/cds-services/prenatal-diagnosis-referral';
    const res = await request(limited.app)
      .post(target)
      .set('authorization', `Bearer ${await limited.token(target)}`)
      .send(goodReferral());
    expect(res.status).toBe(200);
    expect((res.body as { cards: unknown[] }).cards).toHaveLength(1);
    v.assertNone();
  });
});
