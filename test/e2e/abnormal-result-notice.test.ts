import { randomUUID } from 'node:crypto';
import type { DiagnosticReport, Organization } from '@medplum/fhirtypes';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { UNDECIDED_EXTENSION } from '../../src/cds-hooks/extensions.js';
import { IDENTIFIER_SYSTEMS } from '../../src/clinical/registry-identifiers.js';
import type { RegistryStore } from '../../src/orders/credential-records.js';
import { hashNoticeContent } from '../../src/referral/notice/content.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { createServices } from '../../src/services.js';
import { json } from '../fhir/support/fhir-stub.js';
import { expectConformant } from '../support/expect-conformant.js';
import { startFhirRouterServer, type FhirRouterServer } from '../support/fhir-router-server.js';
import { addToBundle, buildE2eApp, example, findingsOf, noticeIdOf, noticePath, type HookBody, type WireCard } from './support/e2e-app.js';
import { againstEhr, startFallbackEhr, type FallbackEhr } from './support/fhir-fallback.js';
import { unescapeMarkdown } from './support/markdown.js';
import { callFrom, exampleRecord, PRACTITIONER_USER } from './support/router-ehr.js';

/**
 * `abnormal-result-notice` (docs/rules.md#abnormal-result-notice) through the real app, with a
 * realistic Chinese record: the example woman (张丽, final EDD 2027-05-10 ⇒ LMP 2026-08-03; today
 * 2026-11-23, GA 16+0) had chorionic villus sampling (绒毛取样) at 12+3; the karyotype 47,XX,+21
 * (ICD-10 clinical edition Q90.000 21三体综合征) was issued on 2026-11-12 by 浙江大学医学院附属妇产科医院,
 * a prenatal-diagnosis institution. The card carries the Art. 27 notice; stored (template art27),
 * hashed, and printed with both spouses' signature lines and the next-of-kin path.
 */
const SERVICE = 'prenatal-diagnosis-referral';

const ZJU_WH: Organization = {
  resourceType: 'Organization',
  id: 'org-zju-womens',
  name: '浙江大学医学院附属妇产科医院',
  extension: [
    { url: 'http://prenatal-cds.org/fhir/StructureDefinition/mch-institution-role', valueCode: 'prenatal-diagnosis-institution' },
  ],
};

const KARYOTYPE: DiagnosticReport = {
  resourceType: 'DiagnosticReport',
  id: 'dr-karyotype-20261112',
  status: 'final',
  category: [
    {
      coding: [{ system: 'http://prenatal-cds.org/fhir/CodeSystem/prenatal-observation', code: 'prenatal-diagnosis', display: '产前诊断' }],
    },
  ],
  code: { coding: [{ system: 'http://prenatal-cds.org/fhir/CodeSystem/prenatal-order', code: 'karyotype' }], text: '绒毛染色体核型分析' },
  subject: { reference: 'Patient/p-zhang-li-1989' },
  effectiveDateTime: '2026-10-29T09:40:00+08:00',
  issued: '2026-11-12T16:20:00+08:00',
  performer: [{ reference: 'Organization/org-zju-womens', display: '浙江大学医学院附属妇产科医院' }],
  conclusion: '47,XX,+21，胎儿21三体综合征',
  conclusionCode: [{ coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cn', code: 'Q90.000', display: '21三体综合征' }] }],
};

function body(withOrganization = true): HookBody {
  const b = example(SERVICE);
  addToBundle(b, 'diagnosticReports', KARYOTYPE);
  if (withOrganization) addToBundle(b, 'diagnosticReports', ZJU_WH);
  return b;
}

async function cards(e: Pick<ReturnType<typeof buildE2eApp>, 'app'>, b: HookBody): Promise<WireCard[]> {
  const res = await request(e.app).post(`/cds-services/${SERVICE}`).set('Content-Type', 'application/json').send(JSON.stringify(b));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectConformant(res.body);
  return (res.body as { cards: WireCard[] }).cards;
}

describe('abnormal-result-notice through the app', () => {
  it('47,XX,+21 from a prenatal-diagnosis institution: the Art. 27 card, its stored notice (art27) and its page', async () => {
    const e = buildE2eApp();
    const [card, ...rest] = await cards(e, body());
    expect(rest.filter((c) => findingsOf(c).length > 0)).toEqual([]);
    expect(card!.indicator).toBe('warning');
    const findings = findingsOf(card);
    expect(findings[0]).toMatchObject({
      rule: 'abnormal-result-notice',
      citation: 'ZJ-2023 Art.27',
      evidence: ['DiagnosticReport/dr-karyotype-20261112', 'Organization/org-zju-womens'],
      params: {
        kinds: ['chromosomal'],
        ethicsReview: false,
        items: [{ code: { code: 'Q90.000' }, performerName: '浙江大学医学院附属妇产科医院' }],
      },
    });
    // The woman's Art. 24 indications stay on the card (and in the audit), without an Art. 25 notice.
    expect(findings.map((f) => f.rule)).toContain('ama');
    const detail = unescapeMarkdown(card!.detail ?? '');
    expect(detail).toContain('ZJ-2023 Art.27');
    expect(detail).toContain('高龄孕妇');

    const stored = await e.notices.get(noticeIdOf(card!));
    const content = stored!.content as { template: string; rules: string[]; texts: Record<string, { legalBasis: string }> };
    expect(content).toMatchObject({ template: 'art27', rules: ['abnormal-result-notice'] });
    expect(stored!.hash).toBe(hashNoticeContent(stored!.content));
    expect(content.texts['zh-CN']!.legalBasis).toBe('《浙江省母婴保健专项技术服务管理办法》第二十七条');

    const page = (await request(e.app).get(noticePath(card!)).expect(200)).text;
    for (const role of ['woman', 'spouse', 'next-of-kin', 'physician']) expect(page).toContain(`data-role="${role}"`);
    expect(page).toContain('配偶签名');
    expect(page).toContain('近亲属代签（仅在孕妇缺乏认知能力时）');
    expect(page).toContain('由其近亲属代为选择');
    expect(page).toContain('由您和您的配偶在充分了解以上情况后共同自行选择');
    expect(page).toContain('2026年10月29日，浙江大学医学院附属妇产科医院出具的产前诊断报告结论为：47,XX,+21，胎儿21三体综合征。');
    expect(page).not.toMatch(/Q90|DiagnosticReport\/|Organization\//);
  });

  it('the performer Organization left out of the record: could not verify (undecided), and the Art. 25 card as before', async () => {
    const e = buildE2eApp();
    const all = await cards(e, body(false));
    const referral = all.find((c) => findingsOf(c).length > 0);
    expect(findingsOf(referral).map((f) => f.rule)).not.toContain('abnormal-result-notice');
    const undecided = all.flatMap((c) => (c.extension?.[UNDECIDED_EXTENSION] ?? []) as { rule: string; reason: string }[]);
    const mine = undecided.find((u) => u.rule === 'abnormal-result-notice');
    expect(mine?.reason).toContain('could not verify the performing institution: Organization/org-zju-womens');
  });
});

/**
 * The performing institution with real EHR data (docs/design.md#reference-fetch,
 * docs/rules.md#abnormal-result-notice): the report's `performer` is `Organization/org-zju-womens`,
 * which the EHR did not prefetch — read by reference from the FHIR server, or known only to the
 * provincial registry.
 */
describe('abnormal-result-notice: the performer the prefetch left out', () => {
  const ehrs: FallbackEhr[] = [];
  afterEach(async () => {
    for (const f of ehrs.splice(0)) {
      await f.stub.close();
      expect(f.stub.unexpected, 'unexpected FHIR calls').toEqual([]);
      expect(f.badAuth, 'FHIR calls without the bearer token').toEqual([]);
    }
  });
  const notFound = json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] }, 404);
  async function ehrAnswering(organization: Parameters<typeof json>[0] | 'not-found'): Promise<{ b: HookBody; fhir: FallbackEhr }> {
    const b = body(false);
    const fhir = await startFallbackEhr(SERVICE, b, {
      keys: [],
      extraRoutes: { '/fhir/Organization/org-zju-womens': organization === 'not-found' ? notFound : json(organization) },
    });
    ehrs.push(fhir);
    return { b: againstEhr(b, fhir.stub.fhirServer, b.prefetch), fhir };
  }
  const art27 = (all: WireCard[]) => all.map(findingsOf).find((fs) => fs.some((f) => f.rule === 'abnormal-result-notice'));
  /** The app with a provincial registry of our own (buildE2eApp's is empty). */
  function withRegistry(registry: RegistryStore): { app: ReturnType<typeof createApp> } {
    const e = buildE2eApp();
    const { config } = e.deps;
    const services = createServices({
      policy: config.policy,
      locale: config.locale,
      newId: randomUUID,
      publicBaseUrl: config.publicBaseUrl,
      registry,
    });
    return { app: createApp({ ...e.deps, services }) };
  }
  /** 浙大妇院 in the provincial registry under its own id, known by its USCC, a prenatal-diagnosis institution. */
  async function provincialRegistry(): Promise<RegistryStore> {
    const registry = new MemoryRegistryStore();
    await registry.upsert({
      practitioners: [],
      organizations: [
        {
          organizationId: 'org-zju-womens',
          name: '浙江大学医学院附属妇产科医院',
          identifiers: [{ system: IDENTIFIER_SYSTEMS.uscc, value: '12330000470051726F' }],
          institutionRole: 'prenatal-diagnosis-institution',
        },
      ],
      certificates: [],
      licences: [],
    });
    return registry;
  }

  it('read by reference from the FHIR server: the Art. 27 card, the institution named on it', async () => {
    const { b, fhir } = await ehrAnswering(ZJU_WH);
    const findings = art27(await cards(buildE2eApp(), b));
    expect(fhir.requested()).toEqual(['/fhir/Organization/org-zju-womens']);
    expect(findings?.find((f) => f.rule === 'abnormal-result-notice')).toMatchObject({
      evidence: ['DiagnosticReport/dr-karyotype-20261112', 'Organization/org-zju-womens'],
      params: { items: [{ performer: 'Organization/org-zju-womens', performerName: '浙江大学医学院附属妇产科医院' }] },
    });
  });

  it('the FHIR server answers 404 and no registry knows it: could not verify, naming the 404 and the registry', async () => {
    const { b } = await ehrAnswering('not-found');
    const all = await cards(buildE2eApp(), b);
    expect(art27(all)).toBeUndefined();
    const undecided = all.flatMap((c) => (c.extension?.[UNDECIDED_EXTENSION] ?? []) as { rule: string; reason: string }[]);
    expect(undecided.find((u) => u.rule === 'abnormal-result-notice')?.reason).toContain(
      'Organization/org-zju-womens (could not be fetched (fetch failed: http-status 404); not in the registry)',
    );
  });

  it('only the provincial registry knows it (the EHR answers 404): the Art. 27 card, named from the registry', async () => {
    const { b } = await ehrAnswering('not-found');
    const [card] = await cards(withRegistry(await provincialRegistry()), b);
    expect(findingsOf(card).find((f) => f.rule === 'abnormal-result-notice')).toMatchObject({
      params: { items: [{ performer: 'Organization/org-zju-womens', performerName: '浙江大学医学院附属妇产科医院' }] },
    });
  });

  it('the registry says prenatal-screening institution, though the record claims diagnosis: no Art. 27 card', async () => {
    const registry = new MemoryRegistryStore();
    await registry.upsert({
      practitioners: [],
      organizations: [
        { organizationId: 'org-zju-womens', name: '浙江大学医学院附属妇产科医院', institutionRole: 'prenatal-screening-institution' },
      ],
      certificates: [],
      licences: [],
    });
    const all = await cards(withRegistry(registry), body(true));
    expect(art27(all)).toBeUndefined();
  });
});

describe('abnormal-result-notice against a real FHIR server (_include=DiagnosticReport:performer honoured or ignored)', () => {
  let server: FhirRouterServer;
  beforeAll(async () => {
    server = await startFhirRouterServer();
  });
  afterAll(() => server?.close());

  it.each(['honour', 'ignore'] as const)('include %s: the performer reaches the rule, the Art. 27 card', async (include) => {
    const ehr = await server.addEhr(`hz-${include}`, {
      accessToken: `router-ehr-token-${include}-5d2e`,
      include,
      resources: [...exampleRecord(), KARYOTYPE, ZJU_WH],
    });
    const b = await callFrom(ehr, SERVICE, PRACTITIONER_USER, 'prefetch');
    const included = (b.prefetch?.['diagnosticReports'] as { entry?: { resource?: { id?: string } }[] }).entry?.map((e) => e.resource?.id);
    expect(included?.includes('org-zju-womens')).toBe(include === 'honour');
    ehr.resetRequests();
    const [card] = await cards(buildE2eApp(), b);
    expect(findingsOf(card).map((f) => f.rule)).toContain('abnormal-result-notice');
    const reads = ehr.requests().map((r) => r.path);
    // Ignored: read by reference (beside the user's organization, which the server left out of its role search too).
    expect(reads.includes('Organization/org-zju-womens')).toBe(include === 'ignore');
    expect(ehr.badAuth).toEqual([]);
  });
});
