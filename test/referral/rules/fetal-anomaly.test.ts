import type { Coding, Condition } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { EXTENSIONS, SYSTEMS } from '../../../src/clinical/codes.js';
import { fetalAnomalyRule } from '../../../src/referral/rules/fetal-anomaly.js';
import {
  cc,
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

/** A Condition of this pregnancy marked as a finding about the fetus (extension `fetal-finding`). */
const fetalCondition = (coding: Coding, opts: Partial<Condition> = {}) =>
  condition(coding, { extension: [{ url: EXTENSIONS.fetalFinding, valueBoolean: true }], ...opts });
const cn = (c: string) => code(SYSTEMS.icd10cn, c);

/**
 * docs/rules.md#fetal-anomaly: fetal findings (docs/rules.md#fetal-finding) coded O35.x (not .5/.6),
 * Q00–Q99, 702709008 / major-anomaly set; fetal growth restriction (FGR_IS_ANOMALY); NT ≥ 3.0 mm.
 */
describe('fetal-anomaly', () => {
  it.each([
    ['ICD-10 O35.0', icd('O35.0'), 'fired'],
    ['ICD-10 O35.9', icd('O35.9'), 'fired'],
    ['ICD-10-CN O35.000', cn('O35.000'), 'fired'],
    ['ICD-10 without dot O358', icd('O358'), 'fired'],
    ['ICD-10 O35.5 (drug exposure, not an anomaly)', icd('O35.5'), 'not-fired'],
    ['ICD-10 O35.6 (radiation exposure)', icd('O35.6'), 'not-fired'],
    ['SNOMED 702709008 (congenital anomaly of fetus)', sct('702709008'), 'fired'],
    ['ICD-10 O36.5 fetal growth restriction', icd('O36.5'), 'fired'],
    ['ICD-10 clinical edition O36.500x001 (FGR)', cn('O36.500x001'), 'fired'],
    ['SNOMED 22033007 fetal growth restriction', sct('22033007'), 'fired'],
    ['ICD-10 O36.6 excessive fetal growth (about the fetus, not an anomaly)', icd('O36.6'), 'not-fired'],
    // The woman's own conditions are not fetal anomalies (no fetal-finding marker, no fetal code).
    ['her own cleft lip, SNOMED 80281008, recorded this pregnancy', sct('80281008'), 'not-fired'],
    ['her own SNOMED 89369001 (major-anomaly set)', sct('89369001'), 'not-fired'],
    ['her own hypospadias code 416010008', sct('416010008'), 'not-fired'],
    ['her own congenital heart disease Q21.1', cn('Q21.100'), 'not-fired'],
    ['unrelated SNOMED', sct('38341003'), 'not-fired'],
  ])('Condition %s → %s', (_n, coding, status) => {
    const o = run(fetalAnomalyRule, pregnant([condition(coding)]));
    expect(o.status).toBe(status);
    const source = /^(O36|22033007)/.test(coding.code ?? '') ? 'fgr' : 'condition';
    if (status === 'fired') expect(paramsOf(o)).toMatchObject({ sources: [source], items: [{ code: { code: coding.code } }] });
  });

  it.each([
    ['SNOMED 80281008 cleft lip', sct('80281008')],
    ['SNOMED 89369001 anencephaly', sct('89369001')],
    ['ICD-10 clinical edition Q05.900 spina bifida', cn('Q05.900')],
    ['ICD-10 Q90.9 Down syndrome (prenatal diagnosis)', icd('Q90.9')],
  ])('a Condition marked fetal-finding: %s fires', (_n, coding) => {
    const c = fetalCondition(coding);
    expect(paramsOf(run(fetalAnomalyRule, pregnant([c])))).toMatchObject({
      sources: ['condition'],
      items: [{ reference: `Condition/${c.id}`, code: { code: coding.code } }],
    });
    // valueBoolean false is no marker: the code is then hers.
    expect(
      run(fetalAnomalyRule, pregnant([condition(coding, { extension: [{ url: EXTENSIONS.fetalFinding, valueBoolean: false }] })])).status,
    ).toBe('not-fired');
  });

  it('ultrasound DiagnosticReport conclusionCode and Observation value', () => {
    const r = report(sct('17190001'));
    expect(paramsOf(run(fetalAnomalyRule, pregnant([r])))).toMatchObject({
      sources: ['report'],
      items: [{ reference: `DiagnosticReport/${r.id}`, text: '超声提示胎儿异常' }],
    });
    const findings = code('http://loinc.org', '59776-5');
    const value = { valueCodeableConcept: { coding: [sct('72951007')] } };
    const us = observation(findings, value, { category: [cc(local('obstetric-ultrasound'))] });
    expect(paramsOf(run(fetalAnomalyRule, pregnant([us])))).toMatchObject({ sources: ['observation'] });
    // The same finding without anything saying it is about the fetus is not a fetal finding.
    expect(run(fetalAnomalyRule, pregnant([observation(findings, value)])).status).toBe('not-fired');
  });

  it.each<[string, Parameters<typeof report>[1], string]>([
    [
      'OB ultrasound category (v2-0074 OUS)',
      { code: cc(code('urn:oid:1.2.156.hosp.exam', 'US-017')), category: [cc(code(SYSTEMS.v2DiagnosticService, 'OUS'))] },
      'fired',
    ],
    [
      'prenatal-diagnosis category',
      { code: cc(code('urn:oid:1.2.156.hosp.exam', 'KARYO')), category: [cc(local('prenatal-diagnosis'))] },
      'fired',
    ],
    ['amniocentesis report', { code: cc(code(SYSTEMS.prenatalOrder, 'amniocentesis')) }, 'fired'],
    [
      'a radiology report of her own (RAD, abdominal ultrasound)',
      { code: cc(code('http://loinc.org', '24558-9')), category: [cc(code(SYSTEMS.v2DiagnosticService, 'RAD'))] },
      'not-fired',
    ],
  ])('DiagnosticReport: %s → %s', (_n, opts, status) => {
    expect(run(fetalAnomalyRule, pregnant([report(icd('Q21.0'), opts)])).status).toBe(status);
  });

  it('an Observation focused on a fetus, or listed as a result of an OB ultrasound report', () => {
    const value = { valueCodeableConcept: { coding: [code(SYSTEMS.icd10cn, 'Q36.900')], text: '唇裂' } };
    const generic = code('urn:oid:1.2.156.hosp.obs', 'FINDING');
    const other = observation(generic, value, { focus: [{ reference: 'Patient/fetus-a', display: '胎儿A' }] });
    const shown = observation(generic, value, { focus: [{ display: '胎儿B' }] });
    const twin = observation(generic, value, { focus: [{ display: 'Twin B' }] });
    const placenta = observation(generic, value, { focus: [{ display: '胎盘' }] });
    const herself = observation(generic, value, { focus: [{ reference: 'Patient/p1' }] });
    for (const o of [other, shown, twin]) expect(run(fetalAnomalyRule, pregnant([o])).status).toBe('fired');
    for (const o of [placenta, herself]) expect(run(fetalAnomalyRule, pregnant([o])).status).toBe('not-fired');
    const result = observation(generic, value);
    const us = report(sct('282332003'), { result: [{ reference: `https://ehr.example.cn/fhir/Observation/${result.id}` }] });
    expect(paramsOf(run(fetalAnomalyRule, pregnant([result, us])))).toMatchObject({ sources: ['observation'] });
  });

  it('fetal growth restriction: source `fgr`, behind FGR_IS_ANOMALY', () => {
    const c = condition(cn('O36.500x001'), { recordedDate: '2025-05-20' });
    expect(paramsOf(run(fetalAnomalyRule, pregnant([c])))).toMatchObject({ sources: ['fgr'], items: [{ reference: `Condition/${c.id}` }] });
    expect(run(fetalAnomalyRule, pregnant([c]), policy({ FGR_IS_ANOMALY: false })).status).toBe('not-fired');
    expect(paramsOf(run(fetalAnomalyRule, pregnant([condition(icd('O35.0')), c])))).toMatchObject({ sources: ['condition', 'fgr'] });
    // Her own growth is not the fetus's: SNOMED 22033007 and O36.5 assert the fetus by themselves.
    expect(run(fetalAnomalyRule, pregnant([condition(icd('O36.5'), { recordedDate: '2023-02-01' })])).status).toBe('not-fired');
  });

  it('ICD-10 under a URI the hospital uses: only when the policy names it', () => {
    const oid = 'urn:oid:2.16.156.10011.2.3.3.11';
    const c = condition(code(oid, 'O35.000x001'));
    expect(run(fetalAnomalyRule, pregnant([c])).status).toBe('not-fired');
    expect(run(fetalAnomalyRule, pregnant([c]), policy({ ICD10_SYSTEMS: [oid] })).status).toBe('fired');
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

  it('local code from policy fires on a fetal finding', () => {
    const pol = policy({ localCodes: { 'fetal-anomaly': [{ system: 'urn:oid:1.2.156.hosp', code: 'TX-01' }] } });
    expect(run(fetalAnomalyRule, pregnant([fetalCondition(code('urn:oid:1.2.156.hosp', 'TX-01'))]), pol).status).toBe('fired');
    expect(run(fetalAnomalyRule, pregnant([condition(code('urn:oid:1.2.156.hosp', 'TX-01'))]), pol).status).toBe('not-fired');
  });

  it('undated condition cannot be placed in this pregnancy → insufficient-data; her own undated code is no evidence at all', () => {
    expect(run(fetalAnomalyRule, pregnant([condition(icd('O35.0'), { recordedDate: undefined })])).status).toBe('insufficient-data');
    expect(run(fetalAnomalyRule, pregnant([condition(icd('O36.5'), { recordedDate: undefined })])).status).toBe('insufficient-data');
    expect(run(fetalAnomalyRule, pregnant([condition(sct('80281008'), { recordedDate: undefined })])).status).toBe('not-fired');
  });

  it('not pregnant → not-applicable', () => {
    expect(run(fetalAnomalyRule, snapshotOf([condition(icd('O35.0'))])).status).toBe('not-applicable');
  });
});
