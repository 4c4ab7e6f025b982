import { randomUUID } from 'node:crypto';
import type { Organization, PractitionerRole, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { RegistryStore } from '../../src/orders/credential-records.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { createServices } from '../../src/services.js';
import { startFhirRouterServer, type FhirEhr, type FhirRouterServer } from '../support/fhir-router-server.js';
import { buildE2eApp, type E2eApp, type HookBody } from './support/e2e-app.js';
import { callFrom, exampleRecord, PRACTITIONER_USER, ROLE_USER, type DataMode } from './support/router-ehr.js';

/**
 * The partner prenatal-diagnosis institution printed on the Art. 25 notice is the calling
 * hospital's own NIPT cooperation partner (ZJ-2023 Art.24, 25, 29; docs/design.md#written-notice),
 * end to end against a real FHIR server (FhirRouter on loopback): hospital B (萧山, a screening
 * institution) records a cooperation with 浙大妇院; the notice of a call from B names 浙大妇院 — its
 * Organization read by reference from B's server, or, when B's server cannot serve it, its name in
 * the provincial registry found by the USCC on the partner reference — and B itself by name.
 */
const TOKEN = 'router-e2e-notice-partner-7c41d2';
const B = 'org-xs-screening';
const PARTNER = 'org-zju-women';
const PARTNER_USCC = '12330000470051726F';
const USCC = 'http://prenatal-cds.org/fhir/sid/uscc';

const HOSPITAL_B: Organization = {
  resourceType: 'Organization',
  id: B,
  active: true,
  name: '杭州市萧山区示例妇幼保健计划生育服务中心',
  identifier: [{ system: USCC, value: '12330109MB1234567Y' }],
  extension: [
    { url: 'http://prenatal-cds.org/fhir/StructureDefinition/mch-institution-role', valueCode: 'prenatal-screening-institution' },
    {
      url: 'http://prenatal-cds.org/fhir/StructureDefinition/nipt-cooperation',
      extension: [
        { url: 'partner', valueReference: { reference: `Organization/${PARTNER}`, identifier: { system: USCC, value: PARTNER_USCC } } },
        { url: 'period', valuePeriod: { start: '2025-01-01', end: '2027-12-31' } },
      ],
    },
  ],
};

const PARTNER_ORG: Organization = {
  resourceType: 'Organization',
  id: PARTNER,
  active: true,
  name: '浙江大学医学院附属妇产科医院',
  identifier: [{ system: USCC, value: PARTNER_USCC }],
  address: [{ text: '杭州市上城区学士路 1 号' }],
  telecom: [{ system: 'phone', value: '0571-87061501' }],
  extension: [
    { url: 'http://prenatal-cds.org/fhir/StructureDefinition/mch-institution-role', valueCode: 'prenatal-diagnosis-institution' },
  ],
};

let server: FhirRouterServer;
let ehr: FhirEhr;

beforeAll(async () => {
  server = await startFhirRouterServer();
  // The example record, with 王芳's role at hospital B.
  const record = exampleRecord().map((r): Resource =>
    r.resourceType === 'PractitionerRole' ? { ...(r as PractitionerRole), organization: { reference: `Organization/${B}` } } : r,
  );
  ehr = await server.addEhr('xs', { accessToken: TOKEN, resources: [...record, HOSPITAL_B, PARTNER_ORG] });
});
afterAll(() => server?.close());
afterEach(() => {
  ehr.reachableAgain();
  ehr.resetRequests();
  expect(ehr.badAuth, 'FHIR requests without the bearer token').toEqual([]);
});

function appWith(registry: RegistryStore): E2eApp {
  const base = buildE2eApp();
  const services = createServices({
    policy: base.deps.config.policy,
    locale: base.deps.config.locale,
    newId: randomUUID,
    publicBaseUrl: base.deps.config.publicBaseUrl,
    registry,
  });
  return { ...base, app: createApp({ ...base.deps, services }) };
}

interface NoticeNames {
  institution?: { id?: string; name?: string };
  referralInstitution?: { id?: string; name?: string; address?: string; phone?: string };
}

/** Calls the referral service from hospital B and reads the stored notice's institutions. */
async function noticeOf(app: E2eApp, user: string, mode: DataMode): Promise<NoticeNames> {
  const body: HookBody = { ...(await callFrom(ehr, 'prenatal-diagnosis-referral', user, mode)), hookInstance: randomUUID() };
  const res = await request(app.app).post('/cds-services/prenatal-diagnosis-referral').send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const link = (res.body as { cards: { links?: { url: string }[] }[] }).cards
    .flatMap((c) => c.links ?? [])
    .find((l) => l.url.includes('/notices/'));
  expect(link, 'the referral card links its notice').toBeDefined();
  const stored = await app.notices.get(new URL(link!.url).pathname.split('/').pop()!);
  expect(stored?.institutionId).toBe(B);
  return stored!.content as NoticeNames;
}

describe('the Art. 25 notice of hospital B names B’s NIPT cooperation partner', () => {
  it.each([
    [PRACTITIONER_USER, 'prefetch'],
    [PRACTITIONER_USER, 'fallback'],
    [ROLE_USER, 'fallback'],
  ] as const)('%s, %s: the partner read by reference from B’s FHIR server, by its own name', async (user, mode) => {
    const notice = await noticeOf(appWith(new MemoryRegistryStore()), user, mode);
    expect(notice.institution).toMatchObject({ id: B, name: '杭州市萧山区示例妇幼保健计划生育服务中心' });
    expect(notice.referralInstitution).toEqual({
      id: PARTNER,
      name: '浙江大学医学院附属妇产科医院',
      address: '杭州市上城区学士路 1 号',
      phone: '0571-87061501',
    });
    expect(ehr.requests().map((r) => [r.path, r.status])).toContainEqual([`Organization/${PARTNER}`, 200]);
  });

  it('B’s server cannot serve the partner (404): its registry name, found by the USCC on the partner reference', async () => {
    const registry = new MemoryRegistryStore();
    await registry.upsert({
      practitioners: [],
      organizations: [
        {
          organizationId: 'zj-mch-org-330000-001',
          name: '浙江大学医学院附属妇产科医院（省登记）',
          identifiers: [{ system: USCC, value: PARTNER_USCC }],
          institutionRole: 'prenatal-diagnosis-institution',
        },
      ],
      certificates: [],
      licences: [],
    });
    ehr.unreachable(`Organization/${PARTNER}`, 'not-found');
    const notice = await noticeOf(appWith(registry), ROLE_USER, 'fallback');
    expect(ehr.requests().map((r) => [r.path, r.status])).toContainEqual([`Organization/${PARTNER}`, 404]);
    expect(notice.referralInstitution).toEqual({ id: PARTNER, name: '浙江大学医学院附属妇产科医院（省登记）' });
  });

  it('a partner no source knows is not printed (nor any placeholder name)', async () => {
    ehr.unreachable(`Organization/${PARTNER}`, 'not-found');
    const notice = await noticeOf(appWith(new MemoryRegistryStore()), ROLE_USER, 'fallback');
    expect(notice.referralInstitution?.name).toBeUndefined();
    expect(JSON.stringify(notice)).not.toContain('浙江大学医学院附属妇产科医院');
    expect(JSON.stringify(notice)).not.toContain('（合作产前诊断机构）');
  });
});
