import { describe, expect, it } from 'vitest';
import { fetalAnomalyRule } from '../../../src/referral/rules/fetal-anomaly.js';
import {
  code,
  condition,
  icd,
  local,
  nt,
  observation,
  paramsOf,
  policy,
  pregnant,
  report,
  run,
  sct,
  snapshotOf,
  ucum,
  verification,
} from '../../clinical/fixtures.js';

/** docs/rules.md#fetal-anomaly: O35.x (not .5/.6), 702709008 / major-anomaly set, ultrasound conclusion, NT ≥ 3.0 mm. */
describe('fetal-anomaly', () => {
  it.each([
    ['ICD-10 O35.0', icd('O35.0'), 'fired'],
    ['ICD-10 O35.9', icd('O35.9'), 'fired'],
    ['ICD-10-CN O35.000', code('http://hl7.org/fhir/sid/icd-10-cn', 'O35.000'), 'fired'],
    ['ICD-10 without dot O358', icd('O358'), 'fired'],
    ['ICD-10 O35.5 (drug exposure, not an anomaly)', icd('O35.5'), 'not-fired'],
    ['ICD-10 O35.6 (radiation exposure)', icd('O35.6'), 'not-fired'],
    ['SNOMED 702709008', sct('702709008'), 'fired'],
    ['SNOMED 89369001 (major-anomaly set)', sct('89369001'), 'fired'],
    ['SNOMED 416010008 (major-anomaly set)', sct('416010008'), 'fired'],
    ['unrelated SNOMED', sct('38341003'), 'not-fired'],
  ])('Condition %s → %s', (_n, coding, status) => {
    const o = run(fetalAnomalyRule, pregnant([condition(coding)]));
    expect(o.status).toBe(status);
    if (status === 'fired') expect(paramsOf(o)).toMatchObject({ sources: ['condition'], items: [{ code: { code: coding.code } }] });
  });

  it('ultrasound DiagnosticReport conclusionCode and Observation value', () => {
    const r = report(sct('17190001'));
    expect(paramsOf(run(fetalAnomalyRule, pregnant([r])))).toMatchObject({
      sources: ['report'],
      items: [{ reference: `DiagnosticReport/${r.id}`, text: '超声提示胎儿异常' }],
    });
    const obs = observation(code('http://loinc.org', '59776-5'), { valueCodeableConcept: { coding: [sct('72951007')] } });
    expect(paramsOf(run(fetalAnomalyRule, pregnant([obs])))).toMatchObject({ sources: ['observation'] });
  });

  it.each<[number, string]>([
    [3.0, 'fired'],
    [2.9, 'not-fired'],
    [3.5, 'fired'],
  ])('NT %d mm → %s', (mm, status) => {
    const o = run(fetalAnomalyRule, pregnant([nt(mm)]));
    expect(o.status).toBe(status);
    if (status === 'fired') expect(paramsOf(o)).toMatchObject({ sources: ['nt'], ntThresholdMm: 3, items: [{ value: mm, unit: 'mm' }] });
  });

  it('NT in cm is normalised; threshold from policy', () => {
    expect(run(fetalAnomalyRule, pregnant([observation(local('nt-mm'), { valueQuantity: ucum(0.31, 'cm') })])).status).toBe('fired');
    expect(run(fetalAnomalyRule, pregnant([nt(3.2)]), policy({ NT_MM_MIN: 3.5 })).status).toBe('not-fired');
  });

  it('several sources are listed together', () => {
    expect(paramsOf(run(fetalAnomalyRule, pregnant([condition(icd('O35.0')), nt(4)])))).toMatchObject({ sources: ['condition', 'nt'] });
  });

  it('entered-in-error / refuted / previous pregnancy / preliminary superseded', () => {
    expect(
      run(fetalAnomalyRule, pregnant([condition(icd('O35.0'), { verificationStatus: verification('entered-in-error') })])).status,
    ).toBe('not-fired');
    expect(run(fetalAnomalyRule, pregnant([condition(icd('O35.0'), { verificationStatus: verification('refuted') })])).status).toBe(
      'not-fired',
    );
    expect(run(fetalAnomalyRule, pregnant([condition(icd('O35.0'), { recordedDate: '2023-02-01' })])).status).toBe('not-fired');
    expect(run(fetalAnomalyRule, pregnant([nt(3.4, { date: '2024-03-01' })])).status).toBe('not-fired');
    expect(
      run(fetalAnomalyRule, pregnant([nt(2.1, { date: '2025-03-12' }), nt(3.4, { status: 'preliminary', date: '2025-03-13' })])).status,
    ).toBe('not-fired');
    expect(run(fetalAnomalyRule, pregnant([report(sct('17190001'), { status: 'entered-in-error' })])).status).toBe('not-fired');
  });

  it('local code from policy fires', () => {
    const pol = policy({ localCodes: { 'fetal-anomaly': [{ system: 'urn:oid:1.2.156.hosp', code: 'TX-01' }] } });
    expect(run(fetalAnomalyRule, pregnant([condition(code('urn:oid:1.2.156.hosp', 'TX-01'))]), pol).status).toBe('fired');
  });

  it('undated condition cannot be placed in this pregnancy → insufficient-data', () => {
    expect(run(fetalAnomalyRule, pregnant([condition(icd('O35.0'), { recordedDate: undefined })])).status).toBe('insufficient-data');
  });

  it('not pregnant → not-applicable', () => {
    expect(run(fetalAnomalyRule, snapshotOf([condition(icd('O35.0'))])).status).toBe('not-applicable');
  });
});
