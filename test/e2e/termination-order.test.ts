import type { Bundle, Observation, Organization, Practitioner, ServiceRequest } from '@medplum/fhirtypes';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { UNDECIDED_EXTENSION } from '../../src/cds-hooks/extensions.js';
import { expectConformant } from '../support/expect-conformant.js';
import { buildE2eApp, bundleOf, example, findingsOf, removeFromBundle, ruleIds, type HookBody, type WireCard } from './support/e2e-app.js';
import { useFallbackEhrs } from './support/fhir-fallback.js';
import { unescapeMarkdown } from './support/markdown.js';

/**
 * `termination-reason-missing` (ZJ-2023 Art.31; docs/rules.md#termination-reason-missing) through
 * HTTP, prefetched and through the FHIR fallback. Today 2026-11-23 (Asia/Shanghai); the example
 * woman's final EDD 2027-05-10 ⇒ GA 16+0. Dr 王芳 holds a termination certificate and her
 * institution's licence lists termination, so only the Art.31 check can speak.
 */
const SERVICE = 'special-technique-order-sign';
const MCH = 'http://prenatal-cds.org/fhir/CodeSystem/mch-technique';
const ORDER_REF = 'ServiceRequest/sr-top-draft-1';

/** 中期妊娠引产 (mid-trimester induced termination), SNOMED 714812005, as the EHR drafts it. */
function termination(extra: Partial<ServiceRequest> = {}): ServiceRequest {
  return {
    resourceType: 'ServiceRequest',
    id: 'sr-top-draft-1',
    status: 'draft',
    intent: 'order',
    code: {
      coding: [{ system: 'http://snomed.info/sct', code: '714812005', display: 'Induced termination of pregnancy' }],
      text: '中期妊娠引产术',
    },
    subject: { reference: 'Patient/p-zhang-li-1989' },
    encounter: { reference: 'Encounter/enc-20261123-anc' },
    authoredOn: '2026-11-23T10:20:00+08:00',
    requester: { reference: 'Practitioner/pr-wang-fang' },
    ...extra,
  };
}

/** The example with the termination order as the only draft, and credentials that cover termination. */
function withTermination(order: ServiceRequest): HookBody {
  const body = example(SERVICE);
  body.context['draftOrders'] = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [{ fullUrl: `https://ehr.example.cn/fhir/ServiceRequest/${order.id ?? ''}`, resource: order }],
  };
  const practitioner = body.prefetch!['practitioner'] as Practitioner;
  const cert = structuredClone(practitioner.qualification![0]!);
  cert.identifier = [{ system: 'http://wsjkw.zj.gov.cn/fhir/sid/mch-certificate', value: 'ZJ-ZZ-2024-00871' }];
  cert.code = { coding: [{ system: MCH, code: 'pregnancy-termination', display: '终止妊娠手术' }] };
  practitioner.qualification!.push(cert);
  const roles = body.prefetch!['practitionerRoles'] as Bundle;
  const org = roles.entry!.map((e) => e.resource).find((r): r is Organization => r?.resourceType === 'Organization')!;
  const licence = org.extension!.find((e) => e.url.endsWith('/mch-licence'))!;
  licence.extension!.splice(1, 0, {
    url: 'technique',
    valueCoding: { system: MCH, code: 'pregnancy-termination', display: '终止妊娠手术' },
  });
  return body;
}

/** Observations without the EDD: GA cannot be derived. */
function withoutDating(body: HookBody): HookBody {
  removeFromBundle(body, 'observations', ['obs-edd-1']);
  return body;
}

const fallback = useFallbackEhrs();
const viaFhir = (body: HookBody): Promise<HookBody> => fallback(SERVICE, body);

async function post(body: HookBody, env: Record<string, string> = {}): Promise<WireCard[]> {
  const app = buildE2eApp({ env });
  const res = await request(app.app).post(`/cds-services/${SERVICE}`).set('Content-Type', 'application/json').send(JSON.stringify(body));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectConformant(res.body);
  return (res.body as { cards: WireCard[] }).cards;
}

const MODES = [
  ['prefetch', (b: HookBody) => Promise.resolve(b)],
  ['FHIR fallback', viaFhir],
] as const;

describe.each(MODES)('termination-reason-missing (%s)', (_mode, send) => {
  it('a termination at GA 16+0 without a reason → one critical card citing Art.31, override reasons, delete suggestion', async () => {
    const cards = await post(await send(withTermination(termination())));
    expect(cards).toHaveLength(1);
    const card = cards[0]!;
    expect(card.indicator).toBe('critical');
    expect(ruleIds(card)).toEqual(['termination-reason-missing']);
    const f = findingsOf(card)[0]!;
    expect(f.citation).toBe('ZJ-2023 Art.31');
    expect(f.evidence).toEqual([ORDER_REF, 'Observation/obs-edd-1']);
    expect(f.params).toMatchObject({ reason: 'no-reason', ga: '16+0', gaDays: 112, edd: '2027-05-10', threshold: '14+0' });
    expect(card.overrideReasons?.map((r) => r.code)).toEqual(['emergency-clinical-need', 'medical-necessity-documented']);
    expect(card.suggestions?.[0]?.actions?.[0]).toMatchObject({ type: 'delete', resourceId: [ORDER_REF] });
    expect(card.summary.length).toBeLessThan(140);
    expect(unescapeMarkdown(card.detail ?? '')).toContain('孕16+0周');
    expect(unescapeMarkdown(card.detail ?? '')).toContain('ZJ-2023 Art.31');
  });

  it('with a documented medical reason (reasonCode Q00.000 无脑畸形) → silent', async () => {
    const reason = {
      coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cn', code: 'Q00.000', display: '无脑畸形' }],
      text: '胎儿无脑畸形',
    };
    expect(await post(await send(withTermination(termination({ reasonCode: [reason] }))))).toEqual([]);
  });

  it('a termination planned at 13+6 → silent; the same order planned for 14+0 → the card', async () => {
    // GA 14+0 on 2026-11-09 (EDD 2027-05-10 − 182 d): move the EDD so that today is 13+6.
    const early = withTermination(termination());
    const edd = bundleOf(early, 'observations')
      .entry!.map((e) => e.resource as Observation)
      .find((o) => o.id === 'obs-edd-1')!;
    edd.valueDateTime = '2027-05-25';
    expect(await post(await send(structuredClone(early)))).toEqual([]);
    const planned = withTermination(termination({ occurrenceDateTime: '2026-11-24T09:00:00+08:00' }));
    const edd2 = bundleOf(planned, 'observations')
      .entry!.map((e) => e.resource as Observation)
      .find((o) => o.id === 'obs-edd-1')!;
    edd2.valueDateTime = '2027-05-25';
    const cards = await post(await send(planned));
    expect(ruleIds(cards[0])).toEqual(['termination-reason-missing']);
    expect(findingsOf(cards[0])[0]!.params).toMatchObject({ ga: '14+0', gaOn: '2026-11-24' });
  });

  it('GA unknown → no critical card, one "could not decide" card: could not verify GA', async () => {
    const cards = await post(await send(withoutDating(withTermination(termination()))));
    expect(cards).toHaveLength(1);
    expect(cards[0]!.indicator).toBe('info');
    const items = (cards[0]!.extension?.[UNDECIDED_EXTENSION] ?? []) as { rule: string; reason: string; evidence: string[] }[];
    expect(items.map((u) => u.rule)).toEqual(['termination-reason-missing']);
    expect(items[0]!.reason).toMatch(/^could not verify GA/);
    expect(items[0]!.evidence[0]).toBe(ORDER_REF);
  });
});
