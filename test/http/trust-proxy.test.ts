import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { parseTrustProxy } from '../../src/config/trust-proxy.js';
import { composeJwtApp, wallSeconds, type ComposedApp } from '../auth/support/composed-app.js';
import { bearer, ISS, makeKey, signToken, type TestKey } from '../auth/support/tokens.js';

/**
 * TRUST_PROXY (docs/design.md#trust-proxy): whose `X-Forwarded-For` decides the client address —
 * the key of AUTH_FAILURE_LIMIT_PER_MINUTE and what a notice page view records (NOTICE_VIEW_ADDRESS).
 * The composed service (PGlite), real signed JWTs; requests come from loopback (supertest), so a
 * forged header is what a client reaching the service port directly could send.
 */
const SERVICE_PATH = '/cds-services/prenatal-diagnosis-referral';
const CLIENT = '203.0.113.7';
const OTHER = '198.51.100.9';
const ENV = {
  PUBLIC_BASE_URL: 'https://cds.example.org',
  AUTH_MODE: 'jwt',
  DATA_DIR: 'memory://',
  LOG_LEVEL: 'silent',
  NOTICE_VIEW_ADDRESS: 'full',
  AUTH_FAILURE_LIMIT_PER_MINUTE: '1',
};

let trusted: TestKey;
let stranger: TestKey;
let service: ComposedApp;

beforeAll(async () => {
  trusted = await makeKey('ES384', 'trusted-key');
  stranger = await makeKey('ES384', 'stranger-key');
  service = await composeJwtApp([{ iss: ISS, jwks: { keys: [trusted.jwk] }, fhirServers: [] }], ENV);
}, 60_000);
afterAll(() => service?.composition.close());

/** A fresh app (its own in-process limits) on the composed store, configured with this TRUST_PROXY. */
function appWith(trustProxy: string | undefined): ReturnType<typeof createApp> {
  const config = loadConfig({
    ...ENV,
    TRUSTED_ISSUERS: JSON.stringify([{ iss: ISS, jwks: { keys: [trusted.jwk] }, fhirServers: [] }]),
    ...(trustProxy !== undefined ? { TRUST_PROXY: trustProxy } : {}),
  });
  return createApp({ ...service.composition.deps, config });
}

/** The address a notice page view recorded for a request with this X-Forwarded-For. */
async function viewedFrom(app: ReturnType<typeof createApp>, forwardedFor: string): Promise<string | undefined> {
  const id = randomUUID();
  await request(app)
    .get(`/notices/${id}?t=${'A'.repeat(43)}`)
    .set('X-Forwarded-For', forwardedFor)
    .expect(404);
  const views = await service.composition.store.audit!.listViews(id);
  expect(views.map((v) => v.result)).toEqual(['unknown']);
  return views[0]?.clientAddress;
}

/** The status of a hook call with a JWT signed by a key the issuer does not have (a failed authentication). */
async function failedCall(app: ReturnType<typeof createApp>, forwardedFor: string): Promise<number> {
  const res = await request(app)
    .post(SERVICE_PATH)
    .set('authorization', bearer(await signToken(stranger, { now: wallSeconds() })))
    .set('X-Forwarded-For', forwardedFor)
    .send({ hook: 'patient-view', hookInstance: randomUUID(), context: { userId: 'Practitioner/dr-王', patientId: 'p-李' } });
  return res.status;
}

describe('TRUST_PROXY unset (the default): X-Forwarded-For is ignored', () => {
  it('a forged X-Forwarded-For does not change the address a notice view records', async () => {
    expect(await viewedFrom(appWith(undefined), CLIENT)).toBe('127.0.0.1');
  });

  it('nor the address failed authentications are counted under: another forged address is still limited', async () => {
    const app = appWith(undefined);
    expect(await failedCall(app, CLIENT)).toBe(401);
    expect(await failedCall(app, OTHER)).toBe(429);
  });

  it('a list that does not hold the peer (10.0.0.0/8; the peer is loopback) is not believed either', async () => {
    expect(await viewedFrom(appWith('10.0.0.0/8'), CLIENT)).toBe('127.0.0.1');
  });
});

describe('TRUST_PROXY=loopback: the proxy on this host is believed', () => {
  it('the notice view records the forwarded client address', async () => {
    expect(await viewedFrom(appWith('loopback'), CLIENT)).toBe(CLIENT);
  });

  it('failed authentications are counted per forwarded client address', async () => {
    const app = appWith('loopback, 10.0.0.0/8');
    expect(await failedCall(app, CLIENT)).toBe(401);
    expect(await failedCall(app, OTHER)).toBe(401);
    expect(await failedCall(app, CLIENT)).toBe(429);
  });

  it('the address the proxy appended counts, not one the client put in front of it', async () => {
    expect(await viewedFrom(appWith('loopback'), `10.9.9.9, ${CLIENT}`)).toBe(CLIENT);
  });
});

describe('TRUST_PROXY as a hop count', () => {
  it('1: the last forwarded address (the one nginx appended)', async () => {
    expect(await viewedFrom(appWith('1'), `${OTHER}, ${CLIENT}`)).toBe(CLIENT);
  });

  it('2: one more proxy in front is believed too', async () => {
    expect(await viewedFrom(appWith('2'), `${OTHER}, ${CLIENT}`)).toBe(OTHER);
  });

  it('0 is the same as false', async () => {
    expect(parseTrustProxy('0')).toBe(false);
    expect(await viewedFrom(appWith('0'), CLIENT)).toBe('127.0.0.1');
  });
});

describe('TRUST_PROXY values', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['true', true],
    ['1', 1],
    ['32', 32],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
    ['uniquelocal,linklocal,192.168.1.10,fd00::/8,::1', ['uniquelocal', 'linklocal', '192.168.1.10', 'fd00::/8', '::1']],
  ] as const)('%j → %j', (raw, expected) => {
    expect(parseTrustProxy(raw)).toEqual(expected);
  });

  it.each([
    ['yes', '"yes" is not'],
    ['33', 'a hop count must be from 0 to 32'],
    ['-1', '"-1" is not'],
    ['1.5', '"1.5" is not'],
    ['loopbak', '"loopbak" is not'],
    ['10.0.0.0/33', '"10.0.0.0/33" is not'],
    ['fd00::/129', '"fd00::/129" is not'],
    ['10.0.0.0/255.0.0.0', '"10.0.0.0/255.0.0.0" is not'],
    ['loopback,,10.0.0.1', '"" is not'],
    ['nginx.internal', '"nginx.internal" is not'],
  ])('%j is refused at config load, naming TRUST_PROXY', (raw, message) => {
    expect(() => loadConfig({ AUTH_MODE: 'off', TRUST_PROXY: raw })).toThrow(`TRUST_PROXY: ${message}`);
  });
});
