import type { Observation } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { amnioticFluidRule } from '../../../src/referral/rules/amniotic-fluid.js';
import {
  afi,
  clinical,
  condition,
  dvp,
  icd,
  loinc,
  observation,
  paramsOf,
  policy,
  pregnant,
  run,
  sct,
  snapshotOf,
  verification,
  code,
} from '../../clinical/fixtures.js';

/** docs/rules.md#amniotic-fluid: any AFI ≤ 5 / ≥ 25 cm, DVP ≤ 2 / ≥ 8 cm of this pregnancy, or a coded finding. */
describe('amniotic-fluid', () => {
  it.each<[string, number, string, string, string | undefined]>([
    ['AFI 5.0 cm', 5.0, 'cm', 'fired', 'oligohydramnios'],
    ['AFI 50 mm', 50, 'mm', 'fired', 'oligohydramnios'],
    ['AFI 5.1 cm', 5.1, 'cm', 'not-fired', undefined],
    ['AFI 51 mm', 51, 'mm', 'not-fired', undefined],
    ['AFI 24.9 cm', 24.9, 'cm', 'not-fired', undefined],
    ['AFI 25.0 cm', 25.0, 'cm', 'fired', 'polyhydramnios'],
    ['AFI 250 mm', 250, 'mm', 'fired', 'polyhydramnios'],
  ])('%s: %d %s → %s', (_n, value, unit, status, kind) => {
    const o = run(amnioticFluidRule, pregnant([afi(value, unit)]));
    expect(o.status).toBe(status);
    if (kind)
      expect(paramsOf(o)).toMatchObject({
        kind,
        decidedBy: 'afi',
        thresholdCm: kind === 'oligohydramnios' ? 5 : 25,
        items: [{ value: Math.round(value * (unit === 'mm' ? 0.1 : 1) * 10) / 10, unit: 'cm' }],
      });
  });

  it.each<[number, string, string | undefined]>([
    [2, 'fired', 'oligohydramnios'],
    [2.1, 'not-fired', undefined],
    [7.9, 'not-fired', undefined],
    [8, 'fired', 'polyhydramnios'],
  ])('DVP %d cm → %s', (value, status, kind) => {
    const o = run(amnioticFluidRule, pregnant([dvp(value)]));
    expect(o.status).toBe(status);
    if (kind) expect(paramsOf(o)).toMatchObject({ kind, decidedBy: 'dvp', thresholdCm: kind === 'oligohydramnios' ? 2 : 8 });
  });

  it('thresholds from policy', () => {
    expect(run(amnioticFluidRule, pregnant([afi(6)]), policy({ AFI_LOW_CM: 8 })).status).toBe('fired');
  });

  it('any abnormal value of this pregnancy fires: a later normal one does not undo it', () => {
    expect(run(amnioticFluidRule, pregnant([afi(4, 'cm', { date: '2025-04-01' }), afi(12, 'cm', { date: '2025-05-20' })])).status).toBe(
      'fired',
    );
    expect(run(amnioticFluidRule, pregnant([afi(12, 'cm', { date: '2025-04-01' }), afi(4, 'cm', { date: '2025-05-20' })])).status).toBe(
      'fired',
    );
  });

  it('entered-in-error latest is ignored; preliminary only without a final', () => {
    expect(
      run(amnioticFluidRule, pregnant([afi(12, 'cm', { date: '2025-04-01' }), afi(4, 'cm', { status: 'entered-in-error' })])).status,
    ).toBe('not-fired');
    expect(run(amnioticFluidRule, pregnant([afi(12, 'cm', { date: '2025-04-01' }), afi(4, 'cm', { status: 'preliminary' })])).status).toBe(
      'not-fired',
    );
    expect(run(amnioticFluidRule, pregnant([afi(4, 'cm', { status: 'preliminary' })])).status).toBe('fired');
  });

  it('previous-pregnancy evidence is ignored', () => {
    expect(
      run(amnioticFluidRule, pregnant([afi(3, 'cm', { date: '2024-05-01' }), condition(sct('59566000'), { recordedDate: '2024-05-01' })]))
        .status,
    ).toBe('not-fired');
  });

  it('an unreadable measurement and nothing abnormal → insufficient-data (reported, not guessed); an abnormal one elsewhere fires', () => {
    const o = run(amnioticFluidRule, pregnant([afi(12, 'cm', { date: '2025-04-01' }), afi(2, '[in_i]')]));
    expect(o).toMatchObject({ status: 'insufficient-data', reason: expect.stringContaining('[in_i] is not cm or mm') });
    expect(run(amnioticFluidRule, pregnant([afi(3, 'cm', { date: '2025-04-01' }), afi(2, '[in_i]')])).status).toBe('fired');
  });

  it.each([
    ['SNOMED 59566000 oligohydramnios', sct('59566000'), 'oligohydramnios'],
    ['SNOMED 289292001 reduced', sct('289292001'), 'oligohydramnios'],
    ['SNOMED 86203003 polyhydramnios', sct('86203003'), 'polyhydramnios'],
    ['SNOMED 102886001 increased', sct('102886001'), 'polyhydramnios'],
    ['ICD-10 O40', icd('O40'), 'polyhydramnios'],
    ['ICD-10-CN O41.000', code('http://hl7.org/fhir/sid/icd-10-cn', 'O41.000'), 'oligohydramnios'],
  ])('coded Condition %s → %s', (_n, coding, kind) => {
    expect(paramsOf(run(amnioticFluidRule, pregnant([condition(coding)])))).toMatchObject({ kind, decidedBy: 'coded' });
  });

  it('coded finding as an Observation value; negated value does not count', () => {
    const finding = (value: ReturnType<typeof sct>) => observation(sct('364221009'), { valueCodeableConcept: { coding: [value] } });
    expect(run(amnioticFluidRule, pregnant([finding(sct('59566000'))])).status).toBe('fired');
    expect(
      run(amnioticFluidRule, pregnant([observation(sct('59566000'), { valueCodeableConcept: { coding: [sct('2667000')] } })])).status,
    ).toBe('not-fired');
  });

  it('refuted / entered-in-error Condition does not count; O41.1 is not oligohydramnios', () => {
    expect(run(amnioticFluidRule, pregnant([condition(sct('59566000'), { verificationStatus: verification('refuted') })])).status).toBe(
      'not-fired',
    );
    expect(
      run(amnioticFluidRule, pregnant([condition(sct('59566000'), { verificationStatus: verification('entered-in-error') })])).status,
    ).toBe('not-fired');
    expect(run(amnioticFluidRule, pregnant([condition(icd('O41.1'))])).status).toBe('not-fired');
    expect(run(amnioticFluidRule, pregnant([condition(sct('59566000'), { clinicalStatus: clinical('resolved') })])).status).toBe('fired');
  });

  it('local code from policy fires', () => {
    const localCode = code('urn:oid:1.2.156.hosp', 'YS-SHAO');
    const pol = policy({ localCodes: { oligohydramnios: [{ system: 'urn:oid:1.2.156.hosp', code: 'YS-SHAO' }] } });
    expect(run(amnioticFluidRule, pregnant([condition(localCode)])).status).toBe('not-fired');
    expect(run(amnioticFluidRule, pregnant([condition(localCode)]), pol).status).toBe('fired');
  });

  it('no data → not-fired; not pregnant → not-applicable', () => {
    expect(run(amnioticFluidRule, pregnant([])).status).toBe('not-fired');
    expect(run(amnioticFluidRule, snapshotOf([afi(3)])).status).toBe('not-applicable');
  });
});

/** docs/rules.md#units, #per-fetus, #amniotic-fluid: spellings, the course, twins. */
describe('amniotic-fluid: units, course and twins', () => {
  const afiValue = (value: Partial<Observation>, opts: Partial<Observation> & { date?: string } = {}) =>
    observation(loinc('11627-7'), value, opts);

  it.each<[string, Partial<Observation>]>([
    ['4 厘米', { valueQuantity: { value: 4, unit: '厘米' } }],
    ['4 CM', { valueQuantity: { value: 4, unit: 'CM' } }],
    ['4 公分', { valueQuantity: { value: 4, unit: '公分' } }],
    ['40 毫米', { valueQuantity: { value: 40, unit: '毫米' } }],
    ['40 MM in code', { valueQuantity: { value: 40, code: 'MM' } }],
    ['UCUM cm with unit text 厘米', { valueQuantity: { value: 4, unit: '厘米', code: 'cm', system: 'http://unitsofmeasure.org' } }],
    ['full-width ｃｍ', { valueQuantity: { value: 4, unit: 'ｃｍ' } }],
    ['valueString "4 厘米"', { valueString: '4 厘米' }],
    ['valueString "4.0cm"', { valueString: '4.0cm' }],
    ['valueString "40 毫米"', { valueString: '40 毫米' }],
  ])('AFI %s → 4 cm, fires', (_n, value) => {
    expect(paramsOf(run(amnioticFluidRule, pregnant([afiValue(value)])))).toMatchObject({
      kind: 'oligohydramnios',
      decidedBy: 'afi',
      abnormal: [{ measure: 'afi', valueCm: 4, thresholdCm: 5 }],
      items: [{ value: 4, unit: 'cm' }],
    });
  });

  it.each<[string, Partial<Observation>, string]>([
    ['no unit', { valueQuantity: { value: 4 } }, 'not cm or mm'],
    ['unknown unit', { valueQuantity: { value: 4, unit: 'furlong' } }, 'not cm or mm'],
    ['code and unit disagree', { valueQuantity: { value: 4, unit: 'mm', code: 'cm' } }, 'disagree'],
    ['valueString without unit', { valueString: '4' }, 'not cm or mm'],
    ['valueString that is not a length', { valueString: '羊水偏少' }, 'not a number with a unit'],
  ])('AFI %s → insufficient-data, never silence', (_n, value, reason) => {
    expect(run(amnioticFluidRule, pregnant([afiValue(value)]))).toMatchObject({
      status: 'insufficient-data',
      reason: expect.stringContaining(reason),
    });
  });

  it('9 厘米 and 90 毫米 are normal', () => {
    expect(run(amnioticFluidRule, pregnant([afiValue({ valueQuantity: { value: 9, unit: '厘米' } })])).status).toBe('not-fired');
    expect(run(amnioticFluidRule, pregnant([afiValue({ valueString: '90毫米' })])).status).toBe('not-fired');
  });

  it('the course: every reading, oldest first; the abnormal one named', () => {
    const p = paramsOf(run(amnioticFluidRule, pregnant([afi(9, 'cm', { date: '2025-05-20' }), afi(4, 'cm', { date: '2025-03-01' })])));
    expect(p).toMatchObject({
      kind: 'oligohydramnios',
      abnormal: [{ valueCm: 4, date: '2025-03-01' }],
      course: [
        { measure: 'afi', valueCm: 4, date: '2025-03-01', kind: 'oligohydramnios' },
        { measure: 'afi', valueCm: 9, date: '2025-05-20' },
      ],
    });
  });

  it('the most recent abnormal reading decides the kind; DVP counts as well', () => {
    const p = paramsOf(
      run(
        amnioticFluidRule,
        pregnant([afi(4, 'cm', { date: '2025-03-01' }), dvp(9, 'cm', { date: '2025-05-01' }), afi(12, 'cm', { date: '2025-05-20' })]),
      ),
    );
    expect(p).toMatchObject({ kind: 'polyhydramnios', decidedBy: 'dvp', thresholdCm: 8 });
    expect((p['abnormal'] as unknown[]).length).toBe(2);
  });

  const fetusFocus = (f: string) => ({ focus: [{ reference: `Patient/fetus-${f.toLowerCase()}`, display: `胎儿${f}` }] });

  it('twins, same day, per-fetus focus: fetus B abnormal fires and is named, in either Bundle order', () => {
    const a = afi(9, 'cm', fetusFocus('A'));
    const b = afi(4, 'cm', fetusFocus('B'));
    const one = run(amnioticFluidRule, pregnant([a, b]));
    expect(run(amnioticFluidRule, pregnant([b, a]))).toEqual(one);
    expect(paramsOf(one)).toMatchObject({
      abnormal: [{ fetus: 'B', valueCm: 4 }],
      course: [
        { fetus: 'A', valueCm: 9 },
        { fetus: 'B', valueCm: 4 },
      ],
      items: [{ fetus: 'B', value: 4 }],
    });
  });

  it.each<[string, Partial<Observation>]>([
    ['bodySite text', { bodySite: { text: '胎儿B' } }],
    ['bodySite display', { bodySite: { coding: [{ system: 'urn:oid:1.2.156.hosp', code: 'T2', display: 'Twin B' }] } }],
    ['focus reference only', { focus: [{ reference: 'Patient/fetus-b' }] }],
  ])('the fetus named by %s', (_n, where) => {
    expect(paramsOf(run(amnioticFluidRule, pregnant([afi(9, 'cm', fetusFocus('A')), afi(4, 'cm', where)])))).toMatchObject({
      abnormal: [{ fetus: 'B' }],
    });
  });

  it('a bodySite that names no fetus (amniotic fluid structure) names none', () => {
    const p = paramsOf(
      run(amnioticFluidRule, pregnant([afi(4, 'cm', { bodySite: { coding: [sct('77012006')], text: 'Amniotic fluid' } })])),
    );
    expect((p['abnormal'] as { fetus?: string }[])[0]?.fetus).toBeUndefined();
  });

  it('one Observation with a component per fetus (named by text, else by position)', () => {
    const named = afiValue({
      component: [
        { code: { coding: [loinc('11627-7')], text: '胎儿A 羊水指数' }, valueQuantity: { value: 4, unit: 'cm' } },
        { code: { coding: [loinc('11627-7')], text: '胎儿B 羊水指数' }, valueQuantity: { value: 90, unit: 'mm' } },
      ],
    });
    expect(paramsOf(run(amnioticFluidRule, pregnant([named])))).toMatchObject({ abnormal: [{ fetus: 'A', valueCm: 4 }] });
    const unnamed = observation(loinc('11525-3'), {
      component: [
        { code: { coding: [loinc('11627-7')] }, valueQuantity: { value: 9, unit: 'cm' } },
        { code: { coding: [loinc('11627-7')] }, valueQuantity: { value: 30, unit: 'cm' } },
      ],
    });
    expect(paramsOf(run(amnioticFluidRule, pregnant([unnamed])))).toMatchObject({
      kind: 'polyhydramnios',
      abnormal: [{ fetus: 'B', valueCm: 30 }],
    });
  });

  it('an unreadable component names its fetus in the reason', () => {
    const o = observation(loinc('11627-7'), {
      component: [
        { code: { coding: [loinc('11627-7')], text: '胎儿A' }, valueQuantity: { value: 9, unit: 'cm' } },
        { code: { coding: [loinc('11627-7')], text: '胎儿B' }, valueQuantity: { value: 4 } },
      ],
    });
    expect(run(amnioticFluidRule, pregnant([o]))).toMatchObject({
      status: 'insufficient-data',
      reason: expect.stringContaining('fetus B'),
    });
  });

  it('a coded finding fires with a normal course beside it (decidedBy coded, course kept)', () => {
    expect(
      paramsOf(run(amnioticFluidRule, pregnant([afi(9), condition(icd('O41.000'), { clinicalStatus: clinical('resolved') })]))),
    ).toMatchObject({
      decidedBy: 'coded',
      kind: 'oligohydramnios',
      course: [{ valueCm: 9 }],
    });
  });
});
