import type { Coding, Condition, Observation, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { UNDECIDED_EXTENSION } from '../../src/cds-hooks/extensions.js';
import { expectConformant } from '../support/expect-conformant.js';
import { addToBundle, buildE2eApp, example, findingsOf, removeFromBundle, type HookBody, type WireCard } from './support/e2e-app.js';
import { againstEhr, startFallbackEhr, type FallbackEhr } from './support/fhir-fallback.js';
import { unescapeMarkdown } from './support/markdown.js';

/**
 * Lab wording, units and twins as Chinese obstetric EHRs send them (docs/rules.md#lab-call,
 * #units, #risks, #per-fetus, #amniotic-fluid, #screening-high-risk), through HTTP — every case
 * once with the data prefetched and once fetched from the FHIR server.
 *
 * The example woman (final EDD 2027-05-10 ⇒ LMP 2026-08-03; today 2026-11-23) fires `ama`,
 * `amniotic-fluid` (AFI 4.6 cm on 2026-11-20, obs-afi-1) and `genetic-family-history`.
 */
const SERVICE = 'prenatal-diagnosis-referral';
const NIPT_SERVICE = 'nipt-order-check';
const PATIENT = { reference: 'Patient/p-zhang-li-1989' };
const LOCAL = 'http://prenatal-cds.org/fhir/CodeSystem/prenatal-observation';
const LOINC = 'http://loinc.org';
const SCT = 'http://snomed.info/sct';
const V3 = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
const BASE_RULES = ['ama', 'amniotic-fluid', 'genetic-family-history'];
type How = 'prefetch' | 'fhir';
const HOWS: readonly How[] = ['prefetch', 'fhir'];

interface WireUndecided {
  readonly rule: string;
  readonly reason: string;
  readonly evidence: string[];
}

function obs(id: string, code: Coding, value: Partial<Observation>, date = '2026-11-20T10:05:00+08:00'): Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
    code: { coding: [code] },
    subject: PATIENT,
    effectiveDateTime: date,
    ...value,
  };
}

const nipt = (value: Partial<Observation>) =>
  obs('obs-nipt-1', { system: LOCAL, code: 'nipt-result', display: 'NIPT result' }, value, '2026-10-30T09:00:00+08:00');
const t21 = (value: Partial<Observation>) =>
  obs('obs-t21-1', { system: LOCAL, code: 't21-risk', display: 'T21 risk' }, value, '2026-10-12T09:00:00+08:00');
const afi = (id: string, value: Partial<Observation>, date?: string) =>
  obs(id, { system: LOINC, code: '11627-7', display: 'Amniotic fluid index US' }, value, date);
const cm = (value: number) => ({ valueQuantity: { value, unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' } });

/** The example with these observations added (and those ids removed first). */
function exampleWith(service: string, add: readonly Resource[], remove: readonly string[] = [], key = 'observations'): HookBody {
  const body = example(service as Parameters<typeof example>[0]);
  removeFromBundle(body, key, [...remove, ...add.map((r) => r.id ?? '')]);
  for (const r of add) addToBundle(body, key, r);
  return body;
}

const ehrs: FallbackEhr[] = [];
afterEach(async () => {
  for (const e of ehrs.splice(0)) {
    await e.stub.close();
    expect(e.stub.unexpected, 'unexpected FHIR calls').toEqual([]);
  }
});

/** The cards for `body`, prefetched or fetched from a loopback FHIR server holding the same data. */
async function cards(body: HookBody, how: How, service = SERVICE, env?: Record<string, string>): Promise<WireCard[]> {
  const app = buildE2eApp(env ? { env } : {});
  let sent = body;
  if (how === 'fhir') {
    const fhir = await startFallbackEhr(service as Parameters<typeof startFallbackEhr>[0], body);
    ehrs.push(fhir);
    sent = againstEhr(body, fhir.stub.fhirServer, undefined);
  }
  const res = await request(app.app).post(`/cds-services/${service}`).set('Content-Type', 'application/json').send(JSON.stringify(sent));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectConformant(res.body);
  return (res.body as { cards: WireCard[] }).cards;
}

const rulesOf = (cs: readonly WireCard[]) => [...new Set(cs.flatMap((c) => findingsOf(c).map((f) => f.rule)))].sort();
const finding = (cs: readonly WireCard[], rule: string) => cs.flatMap(findingsOf).find((f) => f.rule === rule);
const undecided = (cs: readonly WireCard[]): WireUndecided[] =>
  cs.flatMap((c) => (c.extension?.[UNDECIDED_EXTENSION] ?? []) as WireUndecided[]);

describe.each(HOWS)('lab wording and negation (%s)', (how) => {
  it.each(['非高风险', 'not high risk', 'NIPT低风险', '21、18、13三体均为低风险', '阴性', 'screen negative', '临界风险'])(
    'NIPT "%s": no screening-high-risk, and nothing undecided',
    async (text) => {
      const cs = await cards(exampleWith(SERVICE, [nipt({ valueString: text })]), how);
      expect(rulesOf(cs)).toEqual(BASE_RULES);
      expect(undecided(cs)).toEqual([]);
    },
  );

  it.each([
    ['21三体高风险', { valueString: '21三体高风险' }],
    ['T18 阳性', { valueString: 'T18 阳性' }],
    ['high risk for trisomy 13', { valueString: 'High risk for trisomy 13' }],
    ['SNOMED 10828004 positive', { valueCodeableConcept: { coding: [{ system: SCT, code: '10828004', display: 'Positive' }] } }],
    ['SNOMED 260373001 detected', { valueString: '见报告', interpretation: [{ coding: [{ system: SCT, code: '260373001' }] }] }],
  ])('NIPT %s: screening-high-risk (test nipt)', async (_name, value) => {
    const cs = await cards(exampleWith(SERVICE, [nipt(value as Partial<Observation>)]), how);
    expect(rulesOf(cs)).toEqual([...BASE_RULES, 'screening-high-risk'].sort());
    expect(finding(cs, 'screening-high-risk')).toMatchObject({
      evidence: ['Observation/obs-nipt-1'],
      params: { test: 'nipt', decidedBy: 'interpretation' },
    });
  });

  it('interpretation N with risk 1/100: "could not decide — lab call and value disagree", never silence', async () => {
    const body = exampleWith(SERVICE, [t21({ valueString: '1/100', interpretation: [{ coding: [{ system: V3, code: 'N' }] }] })]);
    const cs = await cards(body, how);
    expect(rulesOf(cs)).toEqual(BASE_RULES);
    expect(cs.map((c) => c.indicator)).toEqual(['warning', 'info']);
    const u = undecided(cs).find((x) => x.rule === 'screening-high-risk');
    expect(u?.reason).toContain('lab call and value disagree');
    expect(u?.evidence).toEqual(['Observation/obs-t21-1']);
    expect(unescapeMarkdown(cs[1]!.detail ?? '')).toContain('lab call and value disagree');
  });

  it('interpretation H with text 低风险: the record contradicts itself → could not decide', async () => {
    const body = exampleWith(SERVICE, [nipt({ valueString: '低风险', interpretation: [{ coding: [{ system: V3, code: 'H' }] }] })]);
    const u = undecided(await cards(body, how));
    expect(u.map((x) => x.rule)).toEqual(['screening-high-risk']);
  });
});

describe.each(HOWS)('units and risk forms (%s)', (how) => {
  it.each<[string, Partial<Observation>]>([
    ['4 厘米', { valueQuantity: { value: 4, unit: '厘米' } }],
    ['4 CM', { valueQuantity: { value: 4, unit: 'CM' } }],
    ['40 毫米', { valueQuantity: { value: 40, unit: '毫米' } }],
    ['UCUM mm in code only', { valueQuantity: { value: 40, code: 'mm', system: 'http://unitsofmeasure.org' } }],
    ['valueString "4 厘米"', { valueString: '4 厘米' }],
    ['valueString "40mm"', { valueString: '40mm' }],
  ])('AFI %s is 4.0 cm: amniotic-fluid fires', async (_name, value) => {
    const cs = await cards(exampleWith(SERVICE, [afi('obs-afi-1', value)]), how);
    expect(rulesOf(cs)).toEqual(BASE_RULES);
    expect(finding(cs, 'amniotic-fluid')?.params).toMatchObject({ kind: 'oligohydramnios', abnormal: [{ valueCm: 4 }] });
    expect(unescapeMarkdown(cs[0]!.detail ?? '')).toContain('4.0 cm');
  });

  it('AFI 9 厘米: no amniotic-fluid; AFI in furlongs: could not decide (not silence)', async () => {
    expect(rulesOf(await cards(exampleWith(SERVICE, [afi('obs-afi-1', { valueQuantity: { value: 9, unit: '厘米' } })]), how))).toEqual([
      'ama',
      'genetic-family-history',
    ]);
    const cs = await cards(exampleWith(SERVICE, [afi('obs-afi-1', { valueQuantity: { value: 4, unit: 'furlong' } })]), how);
    expect(rulesOf(cs)).toEqual(['ama', 'genetic-family-history']);
    expect(undecided(cs)).toEqual([
      { rule: 'amniotic-fluid', reason: expect.stringContaining('not cm or mm'), evidence: ['Observation/obs-afi-1'] },
    ]);
  });

  it.each<[string, Partial<Observation>]>([
    ['bare integer 150', { valueInteger: 150 }],
    ['"150"', { valueString: '150' }],
    ['"1:150"', { valueString: '1:150' }],
    ['"1/150"', { valueString: '1/150' }],
    ['"1：150" (full-width colon)', { valueString: '1：150' }],
    ['"21三体风险值 1：150"', { valueString: '21三体风险值 1：150' }],
    ['Ratio 1:150', { valueRatio: { numerator: { value: 1 }, denominator: { value: 150 } } }],
    ['probability 1/150', { valueQuantity: { value: 1 / 150, unit: '1', system: 'http://unitsofmeasure.org', code: '1' } }],
  ])('T21 risk %s reads as 1/150: screening-high-risk', async (_name, value) => {
    const cs = await cards(exampleWith(SERVICE, [t21(value)]), how);
    expect(finding(cs, 'screening-high-risk')?.params).toMatchObject({ test: 't21', decidedBy: 'cutoff', riskN: 150, cutoffN: 270 });
  });

  it('T21 risk 5000 (bare integer): no screening-high-risk, nothing undecided', async () => {
    const cs = await cards(exampleWith(SERVICE, [t21({ valueInteger: 5000 })]), how);
    expect(rulesOf(cs)).toEqual(BASE_RULES);
    expect(undecided(cs)).toEqual([]);
  });
});

describe.each(HOWS)('twins and the course of the pregnancy (%s)', (how) => {
  const fetus = (f: 'A' | 'B') => ({ focus: [{ reference: `Patient/fetus-${f.toLowerCase()}`, display: `胎儿${f}` }] });
  const twins = [afi('obs-afi-a', { ...cm(9), ...fetus('A') }), afi('obs-afi-b', { ...cm(4), ...fetus('B') })];

  it('same-day AFI per fetus: fetus B 4.0 cm fires, named on the card, whatever the Bundle order', async () => {
    const one = await cards(exampleWith(SERVICE, twins, ['obs-afi-1']), how);
    const other = await cards(exampleWith(SERVICE, [...twins].reverse(), ['obs-afi-1']), how);
    expect(rulesOf(one)).toEqual(BASE_RULES);
    expect(finding(one, 'amniotic-fluid')).toEqual(finding(other, 'amniotic-fluid'));
    expect(finding(one, 'amniotic-fluid')?.params).toMatchObject({
      kind: 'oligohydramnios',
      abnormal: [{ fetus: 'B', valueCm: 4 }],
      course: [
        { fetus: 'A', valueCm: 9 },
        { fetus: 'B', valueCm: 4 },
      ],
    });
    expect(finding(one, 'amniotic-fluid')?.evidence).toEqual(['Observation/obs-afi-b']);
    expect(unescapeMarkdown(one[0]!.detail ?? '')).toContain('胎儿B：羊水指数（AFI）4.0 cm（2026-11-20），提示羊水过少');
  });

  it('one Observation with a component per fetus: the same', async () => {
    const both = afi('obs-afi-twins', {
      component: [
        { code: { coding: [{ system: LOINC, code: '11627-7' }], text: '胎儿A 羊水指数' }, valueQuantity: { value: 90, unit: '毫米' } },
        { code: { coding: [{ system: LOINC, code: '11627-7' }], text: '胎儿B 羊水指数' }, valueQuantity: { value: 4, unit: '厘米' } },
      ],
    });
    const cs = await cards(exampleWith(SERVICE, [both], ['obs-afi-1']), how);
    expect(finding(cs, 'amniotic-fluid')?.params).toMatchObject({ abnormal: [{ fetus: 'B', valueCm: 4 }] });
  });

  it('an abnormal AFI earlier in the pregnancy fires; the card shows the course (4.0 cm on 10-01, 9.0 cm on 11-20)', async () => {
    const body = exampleWith(SERVICE, [afi('obs-afi-0', cm(4), '2026-10-01T09:00:00+08:00'), afi('obs-afi-1', cm(9))]);
    const cs = await cards(body, how);
    expect(rulesOf(cs)).toEqual(BASE_RULES);
    const detail = unescapeMarkdown(cs[0]!.detail ?? '');
    expect(detail).toContain('AFI 4.0 cm（2026-10-01）、AFI 9.0 cm（2026-11-20）');
    const en = unescapeMarkdown((await cards(body, how, SERVICE, { LOCALE: 'en' }))[0]!.detail ?? '');
    expect(en).toContain('AFI 4.0 cm on 2026-10-01, AFI 9.0 cm on 2026-11-20');
  });

  it('a coded oligohydramnios (ICD-10 clinical edition O41.000) fires though resolved; refuted never', async () => {
    const cond = (id: string, verification: string, clinical: string): Condition => ({
      resourceType: 'Condition',
      id,
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: clinical }] },
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: verification }] },
      code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cn', code: 'O41.000', display: '羊水过少' }], text: '羊水过少' },
      subject: PATIENT,
      onsetDateTime: '2026-10-01',
      recordedDate: '2026-10-01',
    });
    const normal = afi('obs-afi-1', cm(9));
    const resolved = exampleWith(SERVICE, [normal]);
    addToBundle(resolved, 'conditions', cond('cond-oligo-1', 'confirmed', 'resolved'));
    const cs = await cards(resolved, how);
    expect(finding(cs, 'amniotic-fluid')).toMatchObject({
      evidence: ['Condition/cond-oligo-1'],
      params: { decidedBy: 'coded', kind: 'oligohydramnios' },
    });
    const refuted = exampleWith(SERVICE, [normal]);
    addToBundle(refuted, 'conditions', cond('cond-oligo-1', 'refuted', 'resolved'));
    expect(rulesOf(await cards(refuted, how))).toEqual(['ama', 'genetic-family-history']);
  });
});

describe.each(HOWS)('the NIPT rules that reuse the lab call (%s)', (how) => {
  const niptUndecided = async (value: Partial<Observation>) =>
    undecided(await cards(exampleWith(NIPT_SERVICE, [t21(value)]), how, NIPT_SERVICE));

  it('nipt-screening-high-risk: N with 1/100 is "could not decide", not silence', async () => {
    const u = await niptUndecided({ valueString: '1/100', interpretation: [{ coding: [{ system: V3, code: 'N' }] }] });
    expect(u.find((x) => x.rule === 'nipt-screening-high-risk')?.reason).toContain('lab call and value disagree');
  });

  it('nipt-intermediate-risk: 临界风险 with 1/500 fires; 临界风险 with 1/100 is undecided (screening), not intermediate', async () => {
    const fired = await cards(exampleWith(NIPT_SERVICE, [t21({ valueString: '1/500 临界风险' })]), how, NIPT_SERVICE);
    expect(rulesOf(fired)).toContain('nipt-intermediate-risk');
    const u = await niptUndecided({ valueString: '1/100 临界风险' });
    expect(u.map((x) => x.rule)).toContain('nipt-screening-high-risk');
  });
});
