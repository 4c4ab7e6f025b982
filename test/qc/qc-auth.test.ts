import { generateKeyPairSync, sign } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qcAuthenticator, scopeInstitution } from '../../src/auth/qc-auth.js';
import { AppError } from '../../src/errors/app-error.js';
import { createStore, type OpenedStore } from '../../src/store/create-store.js';
import { buildHarness, type Harness } from '../support/app-fixture.js';

const PROVINCE = 'province-token-0123456789';
const ORG_1_TOKEN = 'org-1-token-0123456789abc';
const TOKENS = { [PROVINCE]: { role: 'province' as const }, [ORG_1_TOKEN]: { role: 'institution' as const, institution: 'org-1' } };

/** An EHR-style ES256 JWT (well formed, signed): still not a QC token. */
function ehrJwt(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64({ alg: 'ES256', typ: 'JWT', kid: 'k1' })}.${b64({ iss: 'https://ehr.example', aud: 'x', exp: 9e9, jti: 'j' })}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

let store: OpenedStore;
let h: Harness;

beforeAll(async () => {
  store = await createStore({ databaseUrl: undefined, dataDir: 'memory://' });
  h = buildHarness({ env: { QC_TOKENS: JSON.stringify(TOKENS), AUTH_MODE: 'off' }, deps: { audit: store.audit } });
});
afterAll(async () => store?.close());

const get = (auth: string | undefined, query: Record<string, string> = {}) => {
  const r = request(h.app)
    .get('/qc/notification-compliance')
    .query({ from: '2026-01-01', to: '2026-01-31', ...query });
  return auth === undefined ? r : r.set('Authorization', auth);
};

describe('QC API authentication and scope', () => {
  it.each([
    ['no Authorization', undefined],
    ['an EHR JWT', `Bearer ${ehrJwt()}`],
    ['a wrong token', 'Bearer province-token-0123456780'],
    ['a prefix of a token', 'Bearer province-token'],
    ['Basic scheme', `Basic ${Buffer.from(`x:${PROVINCE}`).toString('base64')}`],
    ['empty bearer', 'Bearer '],
  ])('401 for %s, with no detail and nothing logged of the token', async (_name, auth) => {
    const res = await get(auth);
    expect(res.status).toBe(401);
    expect(res.body.issue).toHaveLength(1);
    expect(res.body.issue[0].diagnostics).toBeUndefined();
    expect(JSON.stringify(h.logLines())).not.toContain('0123456789');
  });

  it('401 even with AUTH_MODE=off (the QC API never runs open)', async () => {
    expect((await get(undefined)).status).toBe(401);
  });

  it('a province token reads everything and any institution', async () => {
    expect((await get(`Bearer ${PROVINCE}`)).status).toBe(200);
    expect((await get(`bearer ${PROVINCE}`, { institution: 'org-2' })).status).toBe(200);
  });

  it('an institution token reads its own institution, and 403 for another', async () => {
    expect((await get(`Bearer ${ORG_1_TOKEN}`)).status).toBe(200);
    expect((await get(`Bearer ${ORG_1_TOKEN}`, { institution: 'org-1' })).status).toBe(200);
    const res = await get(`Bearer ${ORG_1_TOKEN}`, { institution: 'org-2' });
    expect(res.status).toBe(403);
    expect(res.body.issue[0].details.coding[0].code).toBe('forbidden');
  });

  it('authentication comes before query validation (no 400 to strangers)', async () => {
    expect((await get(undefined, { from: 'nonsense' })).status).toBe(401);
  });

  it('scopeInstitution: province passes the request through; institution pins its own', () => {
    const auth = qcAuthenticator(TOKENS);
    expect(auth(`Bearer ${PROVINCE}`)).toEqual({ role: 'province' });
    expect(scopeInstitution({ role: 'province' }, undefined)).toBeUndefined();
    expect(scopeInstitution({ role: 'province' }, 'org-9')).toBe('org-9');
    expect(scopeInstitution(auth(`Bearer ${ORG_1_TOKEN}`), undefined)).toBe('org-1');
    expect(() => scopeInstitution({ role: 'institution', institution: 'org-1' }, 'org-2')).toThrow(AppError);
    expect(() => qcAuthenticator({})(`Bearer ${PROVINCE}`)).toThrow(AppError);
  });
});
