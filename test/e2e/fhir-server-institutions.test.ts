import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { fixedClock } from '../../src/clock.js';
import { compose, type Composition } from '../../src/compose.js';
import { loadConfig } from '../../src/config/load.js';
import type { ServiceId } from '../../src/engine/rule.js';
import { createLogger } from '../../src/log.js';
import { bearer, makeKey, signToken, type TestKey } from '../auth/support/tokens.js';
import { startFhirRouterServer, type FhirEhr, type FhirRouterServer } from '../support/fhir-router-server.js';
import { PUBLIC_BASE_URL, type HookBody } from './support/e2e-app.js';
import {
  answerOf,
  callFrom,
  exampleRecord,
  HOSPITAL,
  PRACTITIONER_USER,
  ROLE_USER,
  SERVICES,
  type DataMode,
} from './support/router-ehr.js';

/**
 * Two hospitals' EHRs, each its own FHIR server (FhirRouter on loopback) and its own issuer bound
 * to its institution in TRUSTED_ISSUERS (real ES384 JWTs), against one service and one audit store
 * (docs/design.md#institution). 王芳 practises at both (多点执业), under other resource ids in each
 * EHR. Each call lands under its own institution — from the user's PractitionerRole, else the
 * issuer binding — an institution QC token sees only its own, and the notice names the caller.
 */
const NOW = '2026-11-23T02:00:00Z';
const ISS_A = 'https://emr.hz-demo-mch.example.cn/oauth';
const ISS_B = 'https://his.nb-demo-wch.example.cn/oauth';
const HOSPITAL_B = 'org-nb-demo-wch';
const QC_A = 'qc-token-hz-demo-mch-0123456789';
const QC_B = 'qc-token-nb-demo-wch-0123456789';
const QC_PROVINCE = 'qc-token-province-zj-0123456789';

/** Hospital B's EHR: the same kind of record, its own ids, its own woman, 王芳 under another id. */
const B_IDS: readonly [string, string][] = [
  ['prr-wang-fang-1', 'PR-0318-NB'],
  ['pr-wang-fang', 'a1f0c7e2-5b1d-4c3e-9f00-000000000318'],
  ['p-zhang-li-1989', 'NB-P-0098765'],
  ['张丽', '陈静'],
  ['enc-20261123-anc', 'NB-ENC-77821'],
  [HOSPITAL, HOSPITAL_B],
  ['杭州市示例妇幼保健院', '宁波市示例妇女儿童医院'],
  ['12330100MB0000000X', '12330200MB0000000K'],
  ['330100-2024-017', '330200-2023-009'],
  ['杭州市', '宁波市'],
];
/**
 * 李敏 practises at both hospitals too; neither EHR records her certificate (only her identifiers:
 * the practising-certificate code, and each hospital's own staff number), and each EHR has its own
 * resource id for her. The provincial registry knows her by the code, under its own id.
 */
const PRACTISING_CERTIFICATE = 'http://prenatal-cds.org/fhir/sid/practising-certificate';
const STAFF_NUMBER = 'urn:oid:2.16.156.10011.1.4';
function liMin(id: string, roleId: string, organization: string, staffNumber: string): Resource[] {
  return [
    {
      resourceType: 'Practitioner',
      id,
      active: true,
      name: [{ use: 'official', text: '李敏', family: '李', given: ['敏'] }],
      gender: 'female',
      identifier: [
        { system: PRACTISING_CERTIFICATE, value: '110330100000427' },
        { system: STAFF_NUMBER, value: staffNumber },
      ],
    },
    {
      resourceType: 'PractitionerRole',
      id: roleId,
      active: true,
      practitioner: { reference: `Practitioner/${id}` },
      organization: { reference: `Organization/${organization}` },
      code: [{ coding: [{ system: 'http://snomed.info/sct', code: '309367003', display: 'Obstetrician' }], text: '产科医师' }],
    },
  ];
}
const LI_MIN_A = 'pr-li-min';
const LI_MIN_B = 'c93d0b51-7e2a-4f6b-8d14-000000000427';

const toB = (json: string): string => B_IDS.reduce((s, [a, b]) => s.replaceAll(a, b), json);
const B_ROLE_USER = toB(ROLE_USER);
const B_PRACTITIONER_USER = toB(PRACTITIONER_USER);

let server: FhirRouterServer;
let ehrA: FhirEhr;
let ehrB: FhirEhr;
let keyA: TestKey;
let keyB: TestKey;
let c: Composition;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  server = await startFhirRouterServer();
  const record = exampleRecord();
  ehrA = await server.addEhr('hz', { accessToken: 'ehr-a-access-token-1b7c', resources: record });
  ehrB = await server.addEhr('nb', {
    accessToken: 'ehr-b-access-token-9e2d',
    include: 'ignore',
    resources: [...(JSON.parse(toB(JSON.stringify(record))) as Resource[]), ...liMin(LI_MIN_B, 'PR-0427-NB', HOSPITAL_B, 'NB-EMP-9911')],
  });
  await ehrA.seed(liMin(LI_MIN_A, 'prr-li-min-1', HOSPITAL, 'HZ-EMP-0427'));
  [keyA, keyB] = await Promise.all([makeKey('ES384', 'hz-1'), makeKey('ES384', 'nb-1')]);
  const config = loadConfig({
    PUBLIC_BASE_URL,
    AUTH_MODE: 'jwt',
    TRUSTED_ISSUERS: JSON.stringify([
      { iss: ISS_A, jwks: { keys: [keyA.jwk] }, fhirServers: [ehrA.fhirServer], institution: HOSPITAL },
      { iss: ISS_B, jwks: { keys: [keyB.jwk] }, fhirServers: [ehrB.fhirServer], institution: HOSPITAL_B },
    ]),
    QC_TOKENS: JSON.stringify({
      [QC_A]: { role: 'institution', institution: HOSPITAL },
      [QC_B]: { role: 'institution', institution: HOSPITAL_B },
      [QC_PROVINCE]: { role: 'province' },
    }),
    // With PUBLIC_BASE_URL set a notice is issued only when the partner institution has a real name (docs/design.md#written-notice).
    POLICY_FILE: JSON.stringify({ referralInstitution: { name: '浙江大学医学院附属妇产科医院产前诊断中心' } }),
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'silent',
    FHIR_TIMEOUT_MS: '5000',
  });
  c = await compose(config, createLogger(config, new Writable({ write: (_c, _e, cb) => cb() })), {
    clock: fixedClock(NOW, config.clinicTimeZone),
  });
  app = createApp(c.deps);
});
afterAll(async () => {
  await c?.close();
  await server?.close();
});
afterEach(() => {
  for (const e of [ehrA, ehrB]) {
    e.reachableAgain();
    expect(e.badAuth, 'FHIR requests without the bearer token').toEqual([]);
  }
});

interface Hospital {
  readonly ehr: () => FhirEhr;
  readonly key: () => TestKey;
  readonly iss: string;
  readonly users: readonly string[];
  readonly rename: (json: string) => string;
}
const A: Hospital = { ehr: () => ehrA, key: () => keyA, iss: ISS_A, users: [PRACTITIONER_USER, ROLE_USER], rename: (j) => j };
const B: Hospital = { ehr: () => ehrB, key: () => keyB, iss: ISS_B, users: [B_PRACTITIONER_USER, B_ROLE_USER], rename: toB };

interface Called {
  readonly res: request.Response;
  readonly hookInstance: string;
}

async function call(h: Hospital, service: ServiceId, user: string, mode: DataMode = 'fallback'): Promise<Called> {
  const body: HookBody = { ...(await callFrom(h.ehr(), service, user, mode, h.rename)), hookInstance: randomUUID() };
  const aud = `${PUBLIC_BASE_URL}/cds-services/${service}`;
  const jwt = await signToken(h.key(), { now: Math.floor(Date.now() / 1000), claims: { iss: h.iss, aud, jti: randomUUID() } });
  const res = await request(app).post(`/cds-services/${service}`).set('Authorization', bearer(jwt)).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { res, hookInstance: body.hookInstance };
}

async function auditOf(hookInstance: string): Promise<{ issuer?: string; institutionId?: string; institutionVia?: string }> {
  const calls = await c.store.audit.listHookCalls({ from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' });
  const row = calls.find((h) => h.hookInstance === hookInstance);
  expect(row, `hook call ${hookInstance} audited`).toBeDefined();
  return { issuer: row?.issuer, institutionId: row?.institutionId, institutionVia: row?.institutionVia };
}

interface Compliance {
  rows: { key: string; indicated: number }[];
  cases: { institution: string; patient: string }[];
}

async function compliance(token: string): Promise<Compliance> {
  const res = await request(app)
    .get('/qc/notification-compliance')
    .query({ from: '2026-11-01', to: '2026-11-30', groupBy: 'institution' })
    .set('Authorization', `Bearer ${token}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Compliance;
}

describe('two hospitals, two issuers, two FHIR servers', () => {
  it('every call of every service lands under its own institution, found from the user’s PractitionerRole; the answers agree', async () => {
    for (const service of SERVICES) {
      const answers: string[] = [];
      for (const [h, institution, iss] of [
        [A, HOSPITAL, ISS_A],
        [B, HOSPITAL_B, ISS_B],
      ] as const) {
        for (const user of h.users) {
          const { res, hookInstance } = await call(h, service, user);
          answers.push(JSON.stringify(answerOf(res.body)));
          expect(await auditOf(hookInstance), `${service} ${user}`).toEqual({
            issuer: iss,
            institutionId: institution,
            institutionVia: 'practitioner-role',
          });
        }
      }
      expect(new Set(answers).size, `${service}: one answer for both hospitals and both user kinds`).toBe(1);
    }
  });

  it('an institution QC token sees only its own institution’s cases; the province sees both', async () => {
    await call(A, 'prenatal-diagnosis-referral-encounter', PRACTITIONER_USER);
    await call(B, 'prenatal-diagnosis-referral-encounter', B_ROLE_USER);
    const own = await compliance(QC_A);
    expect(own.rows.map((r) => r.key)).toEqual([HOSPITAL]);
    expect(new Set(own.cases.map((x) => x.institution))).toEqual(new Set([HOSPITAL]));
    expect(new Set(own.cases.map((x) => x.patient))).toEqual(new Set(['p-zhang-li-1989']));
    const other = await compliance(QC_B);
    expect(other.rows.map((r) => r.key)).toEqual([HOSPITAL_B]);
    expect(new Set(other.cases.map((x) => x.patient))).toEqual(new Set(['NB-P-0098765']));
    const all = await compliance(QC_PROVINCE);
    expect(all.rows.map((r) => r.key).sort()).toEqual([HOSPITAL, HOSPITAL_B].sort());
  });

  it('the notice is stored under the calling hospital and prints its own name', async () => {
    const { res } = await call(B, 'prenatal-diagnosis-referral', B_ROLE_USER);
    const link = (res.body as { cards: { links?: { url: string }[] }[] }).cards.find((x) => x.links?.length)?.links?.[0]?.url ?? '';
    const notice = await c.store.audit.get(new URL(link).pathname.split('/').pop() ?? '');
    expect(notice?.institutionId).toBe(HOSPITAL_B);
    expect((notice?.content as { institution: unknown }).institution).toMatchObject({ id: HOSPITAL_B, name: '宁波市示例妇女儿童医院' });
  });

  it('with the PractitionerRole unreachable and no encounter, the issuer’s institution', async () => {
    ehrB.unreachable(toB('PractitionerRole/prr-wang-fang-1'), 'not-found');
    const { hookInstance } = await call(B, 'prenatal-diagnosis-referral', B_ROLE_USER);
    expect(await auditOf(hookInstance)).toEqual({ issuer: ISS_B, institutionId: HOSPITAL_B, institutionVia: 'issuer' });
  });
});

describe('the provincial registry, matched by business identifier', () => {
  it('two EHRs with their own resource ids for the same practitioner get the registry’s certificate through her practising-certificate code', async () => {
    const order = async (h: Hospital, user: string): Promise<string[]> =>
      answerOf((await call(h, 'special-technique-order-sign', user)).res.body).flatMap((c) => c.fired);
    // Without a registry record: the EHRs know her and record no certificate.
    expect(await order(A, `Practitioner/${LI_MIN_A}`)).toContain('cert-missing');
    expect(await order(B, `Practitioner/${LI_MIN_B}`)).toContain('cert-missing');
    await c.deps.registry!.upsert({
      practitioners: [
        {
          practitionerId: 'zj-mch-pr-000427',
          name: '李敏',
          organizationIds: [HOSPITAL, HOSPITAL_B],
          identifiers: [{ system: PRACTISING_CERTIFICATE, value: '110330100000427' }],
        },
      ],
      organizations: [],
      certificates: [
        {
          practitionerId: 'zj-mch-pr-000427',
          technique: 'prenatal-diagnosis',
          number: 'ZJ-CZ-2023-00427',
          type: 'assessment-certificate',
          issuer: '浙江省卫生健康委员会',
          validFrom: '2023-06-01',
          validTo: '2028-05-31',
          lastTraining: '2025-09-20',
        },
      ],
      licences: [],
    });
    const a = await order(A, `Practitioner/${LI_MIN_A}`);
    const b = await order(B, `Practitioner/${LI_MIN_B}`);
    expect(a).not.toContain('cert-missing');
    expect(b).toEqual(a);
    // Her PractitionerRole user gives the same answer.
    expect(await order(B, 'PractitionerRole/PR-0427-NB')).toEqual(a);
  });
});
