import { describe, expect, it } from 'vitest';
import { amnioticFluidRule } from '../../../src/referral/rules/amniotic-fluid.js';
import {
  afi,
  clinical,
  condition,
  dvp,
  icd,
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

/** docs/rules.md#amniotic-fluid: AFI ≤ 5 / ≥ 25 cm, DVP ≤ 2 / ≥ 8 cm (latest), or a coded finding. */
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

  it('the latest measurement wins (an older low AFI is superseded)', () => {
    expect(run(amnioticFluidRule, pregnant([afi(4, 'cm', { date: '2025-04-01' }), afi(12, 'cm', { date: '2025-05-20' })])).status).toBe(
      'not-fired',
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

  it('unusable latest measurement → insufficient-data (reported, not guessed)', () => {
    const o = run(amnioticFluidRule, pregnant([afi(3, 'cm', { date: '2025-04-01' }), afi(2, '[in_i]')]));
    expect(o.status).toBe('insufficient-data');
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
