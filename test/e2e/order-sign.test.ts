import type { Practitioner, ServiceRequest } from '@medplum/fhirtypes';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { expectConformant } from '../support/expect-conformant.js';
import { buildE2eApp, example, findingsOf, ruleIds, type E2eApp, type HookBody, type WireCard } from './support/e2e-app.js';
import { againstEhr, startFallbackEhr, type FallbackEhr } from './support/fhir-fallback.js';
import { HAN, unescapeMarkdown } from './support/markdown.js';

/**
 * `special-technique-order-sign` end to end (docs/rules.md#orders). The example: Dr 王芳 (Practitioner
 * pr-wang-fang) signs an amniocentesis (SNOMED 34536000, category mch-technique#prenatal-diagnosis);
 * her prenatal-diagnosis certificate runs 2024-03-01..2027-02-28, last training 2025-10-15; her
 * institution's licence lists prenatal-diagnosis, valid to 2029-04-30, verified 2025-06-18. Today
 * is 2026-11-23 (Asia/Shanghai): nothing is wrong.
 */
const SERVICE = 'special-technique-order-sign';
const AMNIO_REF = 'ServiceRequest/sr-amnio-draft-1';

async function post(app: E2eApp, body: HookBody): Promise<WireCard[]> {
  const res = await request(app.app).post(`/cds-services/${SERVICE}`).set('Content-Type', 'application/json').send(JSON.stringify(body));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectConformant(res.body);
  return (res.body as { cards: WireCard[] }).cards;
}

/** The example with the practitioner's prenatal-diagnosis certificate ending on `end`. */
function withCertificateEnd(body: HookBody, end: string): HookBody {
  const practitioner = body.prefetch?.['practitioner'] as Practitioner;
  const q = practitioner.qualification?.[0];
  if (!q?.period) throw new Error('example practitioner has no certificate period');
  q.period.end = end;
  return body;
}

function draftOrders(body: HookBody): ServiceRequest[] {
  const bundle = body.context['draftOrders'] as { entry: { resource: ServiceRequest }[] };
  return bundle.entry.map((e) => e.resource);
}

function setDraftOrders(body: HookBody, orders: readonly ServiceRequest[]): HookBody {
  body.context['draftOrders'] = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: orders.map((resource) => ({ fullUrl: `https://ehr.example.cn/fhir/ServiceRequest/${resource.id ?? ''}`, resource })),
  };
  return body;
}

const fullBloodCount: ServiceRequest = {
  resourceType: 'ServiceRequest',
  id: 'sr-cbc-draft-1',
  status: 'draft',
  intent: 'order',
  category: [{ coding: [{ system: 'http://snomed.info/sct', code: '108252007', display: 'Laboratory procedure' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '58410-2', display: 'CBC panel - Blood by Automated count' }], text: '血常规' },
  subject: { reference: 'Patient/p-zhang-li-1989' },
  encounter: { reference: 'Encounter/enc-20261123-anc' },
  authoredOn: '2026-11-23T10:06:00+08:00',
  requester: { reference: 'Practitioner/pr-wang-fang' },
};

const sexDetermination: ServiceRequest = {
  resourceType: 'ServiceRequest',
  id: 'sr-sex-draft-1',
  status: 'draft',
  intent: 'order',
  code: {
    coding: [
      {
        system: 'http://prenatal-cds.org/fhir/CodeSystem/prenatal-order',
        code: 'fetal-sex-determination',
        display: 'Fetal sex determination',
      },
    ],
    text: '胎儿性别鉴定',
  },
  subject: { reference: 'Patient/p-zhang-li-1989' },
  encounter: { reference: 'Encounter/enc-20261123-anc' },
  authoredOn: '2026-11-23T10:07:00+08:00',
  requester: { reference: 'Practitioner/pr-wang-fang' },
};

function expectCriticalRemovalCard(card: WireCard, orderRef: string): void {
  expect(card.indicator).toBe('critical');
  expect(card.summary.length).toBeLessThan(140);
  expect(card.overrideReasons?.length).toBeGreaterThan(0);
  for (const r of card.overrideReasons ?? []) {
    expect(r.code).toMatch(/\S/);
    expect(r.display).toMatch(/\S/);
  }
  expect(card.selectionBehavior).toBeDefined();
  expect(card.suggestions).toHaveLength(1);
  const actions = card.suggestions?.[0]?.actions ?? [];
  expect(actions).toHaveLength(1);
  expect(actions[0]).toMatchObject({ type: 'delete', resourceId: [orderRef] });
  expect(actions[0]?.description).toMatch(/\S/);
}

describe('special-technique-order-sign with prefetch', () => {
  it('the shipped example (valid certificate and licence) → no card', async () => {
    expect(await post(buildE2eApp(), example(SERVICE))).toEqual([]);
  });

  it('the certificate expired yesterday → one critical cert-expired card with override reasons and a delete suggestion', async () => {
    const cards = await post(buildE2eApp(), withCertificateEnd(example(SERVICE), '2026-11-22'));
    expect(cards).toHaveLength(1);
    const card = cards[0]!;
    expect(ruleIds(card)).toEqual(['cert-expired']);
    const finding = findingsOf(card)[0]!;
    expect(finding.citation).toContain('ZJ-2023 Art.15');
    expect(finding.evidence).toContain('Practitioner/pr-wang-fang');
    expect(finding.params).toMatchObject({ order: AMNIO_REF, certificateNumber: 'ZJ-CZ-2024-03318' });
    expectCriticalRemovalCard(card, AMNIO_REF);
    expect(unescapeMarkdown(card.detail ?? '')).toContain('2026-11-22');
  });

  it('a certificate ending today is still valid → no card', async () => {
    expect(await post(buildE2eApp(), withCertificateEnd(example(SERVICE), '2026-11-23'))).toEqual([]);
  });

  it('a fetal sex determination order without a medical reason → sex-determination-prohibited (critical)', async () => {
    const cards = await post(buildE2eApp(), setDraftOrders(example(SERVICE), [sexDetermination]));
    expect(cards).toHaveLength(1);
    const card = cards[0]!;
    expect(ruleIds(card)).toEqual(['sex-determination-prohibited']);
    expect(findingsOf(card)[0]?.citation).toContain('ZJ-2023 Art.31');
    expectCriticalRemovalCard(card, 'ServiceRequest/sr-sex-draft-1');
  });

  it('amniocentesis + a full blood count, certificate expired: only the special-technique order is checked', async () => {
    const body = withCertificateEnd(example(SERVICE), '2026-11-22');
    setDraftOrders(body, [...draftOrders(body), fullBloodCount]);
    const cards = await post(buildE2eApp(), body);
    expect(cards).toHaveLength(1);
    expect(ruleIds(cards[0])).toEqual(['cert-expired']);
    expect(findingsOf(cards[0]).every((f) => f.params['order'] === AMNIO_REF)).toBe(true);
    expect(JSON.stringify(cards)).not.toContain('sr-cbc-draft-1');
  });

  it('a full blood count alone → no card', async () => {
    const body = withCertificateEnd(example(SERVICE), '2026-11-22');
    expect(await post(buildE2eApp(), setDraftOrders(body, [fullBloodCount]))).toEqual([]);
  });

  it('LOCALE=en: the card is in English', async () => {
    const cards = await post(buildE2eApp({ env: { LOCALE: 'en' } }), withCertificateEnd(example(SERVICE), '2026-11-22'));
    expect(cards).toHaveLength(1);
    const card = cards[0]!;
    // The order's own name (羊膜腔穿刺术) is the EHR's text; everything else is English.
    expect(card.overrideReasons?.every((r) => !HAN.test(r.display ?? ''))).toBe(true);
    expect(card.suggestions?.[0]?.label).not.toMatch(HAN);
  });
});

describe('special-technique-order-sign through FHIR fallback (no prefetch)', () => {
  const ehrs: FallbackEhr[] = [];
  afterEach(async () => {
    for (const e of ehrs.splice(0)) {
      await e.stub.close();
      expect(e.stub.unexpected, 'unexpected FHIR calls').toEqual([]);
      expect(e.badAuth, 'FHIR calls without the bearer token').toEqual([]);
    }
  });

  it.each([
    ['valid certificate', '2027-02-28', []],
    ['certificate expired yesterday', '2026-11-22', ['cert-expired']],
  ] as const)('%s: fetches every key, including the practitioner and roles with their organization', async (_name, end, rules) => {
    const data = withCertificateEnd(example(SERVICE), end);
    const fhir = await startFallbackEhr(SERVICE, data);
    ehrs.push(fhir);
    const cards = await post(buildE2eApp(), againstEhr(data, fhir.stub.fhirServer, undefined));
    expect(fhir.requested().sort()).toEqual(Object.values(fhir.paths).sort());
    expect(fhir.requested()).toContain('/fhir/Practitioner/pr-wang-fang');
    expect(cards.flatMap((c) => ruleIds(c))).toEqual(rules);
    if (rules.length > 0) expectCriticalRemovalCard(cards[0]!, AMNIO_REF);
  });
});
