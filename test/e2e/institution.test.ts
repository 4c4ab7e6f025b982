import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { fixedClock } from '../../src/clock.js';
import { compose, type Composition } from '../../src/compose.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { bearer, makeKey, signToken, type TestKey } from '../auth/support/tokens.js';
import { example, PUBLIC_BASE_URL } from './support/e2e-app.js';

/**
 * The institution of a call comes from the call (docs/design.md#institution): with no
 * PractitionerRole or encounter in the record, the institution bound to the verified issuer (or
 * tenant) in TRUSTED_ISSUERS. Two EHRs, each bound to its hospital, against one service and one
 * audit store: each call lands under its own institution, an institution QC token sees only its
 * own, and the notice names the calling hospital.
 */
const NOW = '2026-11-23T02:00:00Z';
const SERVICE = 'prenatal-diagnosis-referral';
const SERVICE_URL = `${PUBLIC_BASE_URL}/cds-services/${SERVICE}`;
const ISS_A = 'https://emr.hospital-a.example.cn/oauth';
const ISS_B = 'https://his.hospital-b.example.cn/oauth';
const ISS_GROUP = 'https://emr.group.example.cn/oauth';
const FHIR = 'https://ehr.example.cn/fhir';
const QC_A = 'qc-token-hospital-a-0123456789';
const QC_PROVINCE = 'qc-token-province-0123456789ab';

let keyA: TestKey;
let keyB: TestKey;
let keyGroup: TestKey;
let c: Composition;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  [keyA, keyB, keyGroup] = await Promise.all([makeKey('ES384', 'a-1'), makeKey('ES384', 'b-1'), makeKey('ES384', 'group-1')]);
  const issuers = [
    { iss: ISS_A, jwks: { keys: [keyA.jwk] }, fhirServers: [FHIR], institution: 'org-hospital-a' },
    { iss: ISS_B, jwks: { keys: [keyB.jwk] }, fhirServers: [FHIR], institution: 'org-hospital-b' },
    // One EHR serving two hospitals of a group, told apart by the token's tenant.
    { iss: ISS_GROUP, jwks: { keys: [keyGroup.jwk] }, fhirServers: [FHIR], tenant: 'campus-east', institution: 'org-group-east' },
    { iss: ISS_GROUP, jwks: { keys: [keyGroup.jwk] }, fhirServers: [FHIR], tenant: 'campus-west', institution: 'org-group-west' },
  ];
  const config = loadConfig({
    PUBLIC_BASE_URL,
    AUTH_MODE: 'jwt',
    TRUSTED_ISSUERS: JSON.stringify(issuers),
    QC_TOKENS: JSON.stringify({ [QC_A]: { role: 'institution', institution: 'org-hospital-a' }, [QC_PROVINCE]: { role: 'province' } }),
    // With PUBLIC_BASE_URL set a notice is issued only when the partner institution has a real name (docs/design.md#written-notice).
    POLICY_FILE: JSON.stringify({
      institution: { id: 'org-hospital-b', name: '杭州市某区妇幼保健院' },
      referralInstitution: { name: '浙江大学医学院附属妇产科医院产前诊断中心' },
    }),
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'silent',
  });
  c = await compose(config, createLogger(config, new Writable({ write: (_c, _e, cb) => cb() })), {
    clock: fixedClock(NOW, config.clinicTimeZone),
  });
  app = createApp(c.deps);
});
afterAll(() => c?.close());

/**
 * The example request with no PractitionerRole in the record (the EHR says the user has none:
 * `practitionerRoles: null`) and no encounter, so the institution comes from the issuer.
 */
function withoutRole(): Record<string, unknown> {
  const body = example(SERVICE);
  return { ...body, prefetch: { ...body.prefetch, practitionerRoles: null } };
}

/** The example call; `patientId` renames the woman (another hospital's patient). */
async function call(
  key: TestKey,
  iss: string,
  claims: Record<string, unknown> = {},
  patientId = 'p-zhang-li-1989',
): Promise<request.Response> {
  const jwt = await signToken(key, { now: Math.floor(Date.now() / 1000), claims: { iss, aud: SERVICE_URL, jti: randomUUID(), ...claims } });
  const body = {
    ...(JSON.parse(JSON.stringify(withoutRole()).replaceAll('p-zhang-li-1989', patientId)) as object),
    hookInstance: randomUUID(),
  };
  return request(app).post(`/cds-services/${SERVICE}`).set('Authorization', bearer(jwt)).send(body);
}

interface Compliance {
  rows: { key: string; indicated: number }[];
  cases: { institution: string }[];
}

async function compliance(token: string): Promise<Compliance> {
  const res = await request(app)
    .get('/qc/notification-compliance')
    .query({ from: '2026-11-01', to: '2026-11-30', groupBy: 'institution' })
    .set('Authorization', `Bearer ${token}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Compliance;
}

describe('the institution of a call, from the verified issuer', () => {
  it('each hospital’s calls are audited under its own institution, with how it was found', async () => {
    expect((await call(keyA, ISS_A)).status).toBe(200);
    expect((await call(keyB, ISS_B, {}, 'p-wang-fang-1987')).status).toBe(200);
    const calls = await c.store.audit.listHookCalls({ from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' });
    expect(calls.map((h) => [h.issuer, h.institutionId, h.institutionVia]).sort()).toEqual([
      [ISS_A, 'org-hospital-a', 'issuer'],
      [ISS_B, 'org-hospital-b', 'issuer'],
    ]);
  });

  it('the notice is stored under, and names, the calling institution', async () => {
    const res = await call(keyB, ISS_B, {}, 'p-wang-fang-1987');
    const link = (res.body as { cards: { links: { url: string }[] }[] }).cards[0]!.links[0]!.url;
    const notice = await c.store.audit.get(new URL(link).pathname.split('/').pop()!);
    expect(notice?.institutionId).toBe('org-hospital-b');
    expect((notice?.content as { institution: { id: string } }).institution).toEqual({
      id: 'org-hospital-b',
      name: '杭州市某区妇幼保健院',
    });
  });

  it('an institution QC token sees only its own institution; the province sees both', async () => {
    const own = await compliance(QC_A);
    expect(own.rows.map((r) => [r.key, r.indicated])).toEqual([['org-hospital-a', 1]]);
    expect(new Set(own.cases.map((x) => x.institution))).toEqual(new Set(['org-hospital-a']));
    const all = await compliance(QC_PROVINCE);
    expect(all.rows.map((r) => [r.key, r.indicated]).sort()).toEqual([
      ['org-hospital-a', 1],
      ['org-hospital-b', 1],
    ]);
    expect(new Set(all.cases.map((x) => x.institution))).toEqual(new Set(['org-hospital-a', 'org-hospital-b']));
  });

  it('one issuer for two campuses: the tenant decides the institution; an unknown tenant is refused', async () => {
    expect((await call(keyGroup, ISS_GROUP, { tenant: 'campus-west' })).status).toBe(200);
    expect((await call(keyGroup, ISS_GROUP, { tenant: 'campus-north' })).status).toBe(401);
    const calls = await c.store.audit.listHookCalls({ from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' });
    expect(calls.filter((h) => h.issuer === ISS_GROUP).map((h) => [h.tenant, h.institutionId, h.institutionVia])).toEqual([
      ['campus-west', 'org-group-west', 'issuer'],
    ]);
  });
});

describe('the notice never names another hospital', () => {
  it('a policy institution without an id is not printed for a call from another institution: no notice, the card says why', async () => {
    const config = loadConfig({
      PUBLIC_BASE_URL,
      AUTH_MODE: 'jwt',
      TRUSTED_ISSUERS: JSON.stringify([{ iss: ISS_A, jwks: { keys: [keyA.jwk] }, fhirServers: [FHIR], institution: 'org-hospital-a' }]),
      POLICY_FILE: JSON.stringify({ institution: { name: '杭州市某妇产科医院' } }),
      DATA_DIR: 'memory://',
      LOG_LEVEL: 'silent',
    });
    const other = await compose(config, createLogger(config, new Writable({ write: (_c, _e, cb) => cb() })), {
      clock: fixedClock(NOW, config.clinicTimeZone),
    });
    try {
      const jwt = await signToken(keyA, {
        now: Math.floor(Date.now() / 1000),
        claims: { iss: ISS_A, aud: SERVICE_URL, jti: randomUUID() },
      });
      const res = await request(createApp(other.deps))
        .post(`/cds-services/${SERVICE}`)
        .set('Authorization', bearer(jwt))
        .send({ ...withoutRole(), hookInstance: randomUUID() });
      expect(res.status).toBe(200);
      // No name is known for org-hospital-a (nor for the partner): in production no notice is issued
      // — never a placeholder name — and the card says why.
      const card = (
        res.body as { cards: { links?: unknown[]; detail: string; suggestions: { actions: { resource: { resourceType: string } }[] }[] }[] }
      ).cards[0]!;
      expect(card.links).toBeUndefined();
      expect(card.detail).toContain('未出具书面告知书');
      expect(card.detail).toContain('Organization/org-hospital-a');
      expect(card.suggestions.flatMap((x) => x.actions.map((a) => a.resource.resourceType))).not.toContain('Communication');
      expect(JSON.stringify(res.body)).not.toContain('（本机构）');
    } finally {
      await other.close();
    }
  });
});
