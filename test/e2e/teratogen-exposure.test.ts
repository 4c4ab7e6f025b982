import type { Condition, MedicationRequest, MedicationStatement, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { expectConformant } from '../support/expect-conformant.js';
import { addToBundle, buildE2eApp, example, findingsOf, type HookBody, type WireCard } from './support/e2e-app.js';
import { useFallbackEhrs } from './support/fhir-fallback.js';
import { unescapeMarkdown } from './support/markdown.js';

/**
 * `teratogen-exposure` on records as Chinese EHRs send them (docs/rules.md#teratogen-exposure),
 * through HTTP with prefetch and through the FHIR fallback. Today 2026-11-23; the example woman's
 * final EDD 2027-05-10 ⇒ LMP 2026-08-03, first trimester 2026-08-03 .. 2026-11-08 (13+6). Without
 * additions her card has ama, amniotic-fluid and genetic-family-history.
 */
const SERVICE = 'prenatal-diagnosis-referral';
const PATIENT = { reference: 'Patient/p-zhang-li-1989' };

/** O35.5 as the national clinical edition codes it: 孕妇医疗：药物导致的胎儿损害. */
function o355(id: string, dates: Partial<Condition>): Condition {
  return {
    resourceType: 'Condition',
    id,
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    code: {
      coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cn', code: 'O35.500', display: '孕妇医疗：药物导致的胎儿损害' }],
      text: '可疑药物致胎儿损害的孕妇医疗',
    },
    subject: PATIENT,
    ...dates,
  };
}

/** Isotretinoin (异维A酸软胶囊) taken for acne, stopped on `end`. */
const isotretinoin = (end: string): MedicationStatement => ({
  resourceType: 'MedicationStatement',
  id: 'ms-isotretinoin-1',
  status: 'completed',
  medicationCodeableConcept: {
    coding: [{ system: 'http://www.whocc.no/atc', code: 'D10BA01', display: 'isotretinoin' }],
    text: '异维A酸软胶囊 10 mg',
  },
  subject: PATIENT,
  effectivePeriod: { start: '2026-04-01', end },
});

/** Methimazole (甲巯咪唑片) prescribed in the first trimester: 30 days' supply. */
const methimazole: MedicationRequest = {
  resourceType: 'MedicationRequest',
  id: 'mr-methimazole-1',
  status: 'completed',
  intent: 'order',
  medicationCodeableConcept: {
    coding: [{ system: 'http://www.whocc.no/atc', code: 'H03BB02', display: 'thiamazole' }],
    text: '甲巯咪唑片 5 mg',
  },
  subject: PATIENT,
  authoredOn: '2026-09-10T09:30:00+08:00',
  dispenseRequest: { expectedSupplyDuration: { value: 30, unit: '天', system: 'http://unitsofmeasure.org', code: 'd' } },
};

function withAdded(key: string, ...resources: Resource[]): HookBody {
  const body = example(SERVICE);
  for (const r of resources) addToBundle(body, key, r);
  return body;
}

const fallback = useFallbackEhrs();
const viaFhir = (body: HookBody): Promise<HookBody> => fallback(SERVICE, body);

async function referralCard(body: HookBody, env: Record<string, string> = {}): Promise<WireCard> {
  const res = await request(buildE2eApp({ env }).app)
    .post(`/cds-services/${SERVICE}`)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(body));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectConformant(res.body);
  const cards = (res.body as { cards: WireCard[] }).cards;
  expect(cards.map((c) => c.indicator)).toEqual(['warning']);
  return cards[0]!;
}

const teratogen = (card: WireCard) => findingsOf(card).find((f) => f.rule === 'teratogen-exposure');

const MODES = [
  ['prefetch', (b: HookBody) => Promise.resolve(b)],
  ['FHIR fallback', viaFhir],
] as const;

describe.each(MODES)('teratogen-exposure (%s)', (_mode, send) => {
  it('O35.500 recorded at 15+4 (after the first trimester) fires: the code asserts the concern', async () => {
    const card = await referralCard(await send(withAdded('conditions', o355('cond-o355-1', { recordedDate: '2026-11-20' }))));
    const f = teratogen(card)!;
    expect(f.evidence).toEqual(['Condition/cond-o355-1']);
    expect(f.params).toMatchObject({ kinds: ['drug'], items: [{ basis: 'coded-concern', kind: 'drug', date: '2026-11-20' }] });
    expect(unescapeMarkdown(card.detail ?? '')).toContain('可能存在致畸物暴露，请医师核实');
  });

  it('an undated O35.500 fires too; one recorded before the LMP is an earlier pregnancy’s', async () => {
    const undated = await referralCard(await send(withAdded('conditions', o355('cond-o355-2', {}))));
    expect(teratogen(undated)?.evidence).toEqual(['Condition/cond-o355-2']);
    const earlier = await referralCard(await send(withAdded('conditions', o355('cond-o355-3', { recordedDate: '2025-10-01' }))));
    expect(teratogen(earlier)).toBeUndefined();
  });

  it('isotretinoin stopped 30 days before the LMP (its washout) counts; 31 days before does not', async () => {
    const within = await referralCard(await send(withAdded('medicationStatements', isotretinoin('2026-07-04'))));
    expect(teratogen(within)?.params).toMatchObject({
      kinds: ['medication'],
      items: [{ basis: 'washout', stopped: '2026-07-04', washoutDays: 30, daysBeforeLmp: 30 }],
    });
    expect(unescapeMarkdown(within.detail ?? '')).toContain('2026-07-04');
    const outside = await referralCard(await send(withAdded('medicationStatements', isotretinoin('2026-07-03'))));
    expect(teratogen(outside)).toBeUndefined();
  });

  it('methimazole (H03BB02) in the first trimester is in the default teratogen set', async () => {
    const card = await referralCard(await send(withAdded('medicationRequests', methimazole)));
    expect(teratogen(card)?.params).toMatchObject({ items: [{ basis: 'first-trimester', code: { code: 'H03BB02' } }] });
  });
});
