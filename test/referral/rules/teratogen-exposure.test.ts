import { describe, expect, it } from 'vitest';
import { addDays } from '../../../src/calendar/index.js';
import { SYSTEMS } from '../../../src/clinical/codes.js';
import { parsePolicy } from '../../../src/clinical/policy.js';
import { findingSentence } from '../../../src/referral/finding-text.js';
import { teratogenExposureRule } from '../../../src/referral/rules/teratogen-exposure.js';
import {
  atc,
  code,
  condition,
  icd,
  LMP,
  local,
  medRequest,
  medStatement,
  observation,
  paramsOf,
  policy,
  pregnant,
  run,
  sct,
  snapshotOf,
  verification,
} from '../../clinical/fixtures.js';

/**
 * docs/rules.md#teratogen-exposure: first trimester LMP .. LMP + 13w6d. LMP = 2024-12-25, so 13+6 is
 * 2025-04-01 and 14+0 is 2025-04-02; today is 2025-06-01 (22+4).
 */
const beforeLmp = (days: number) => addDays(LMP, -days);
const statusOf = (...args: Parameters<typeof run>) => run(...args).status;

describe('teratogen-exposure: raw exposures in the first trimester', () => {
  it.each([
    ['on the LMP (0+0)', '2024-12-25', 'fired'],
    ['at 13+6', '2025-04-01', 'fired'],
    ['at 14+0', '2025-04-02', 'not-fired'],
    ['the day before the LMP', '2024-12-24', 'not-fired'],
  ])('local exposure-drug with onset %s (%s) → %s', (_n, onset, status) => {
    const o = run(
      teratogenExposureRule,
      pregnant([condition(local('exposure-drug'), { onsetDateTime: onset, recordedDate: '2025-05-01' })]),
    );
    expect(o.status).toBe(status);
    if (status === 'fired')
      expect(paramsOf(o)).toMatchObject({
        kinds: ['drug'],
        windowStart: '2024-12-25',
        windowEnd: '2025-04-01',
        items: [{ basis: 'first-trimester', kind: 'drug' }],
      });
  });

  it('recordedDate when there is no onset', () => {
    expect(statusOf(teratogenExposureRule, pregnant([condition(local('exposure-radiation'), { recordedDate: '2025-02-01' })]))).toBe(
      'fired',
    );
    expect(statusOf(teratogenExposureRule, pregnant([condition(local('exposure-radiation'), { recordedDate: '2025-05-01' })]))).toBe(
      'not-fired',
    );
  });

  it.each([
    ['exposure-radiation', 'radiation'],
    ['exposure-chemical', 'chemical'],
    ['exposure-infection', 'infection'],
    ['exposure-drug', 'drug'],
  ])('local %s → kind %s (Condition or Observation)', (c, kind) => {
    expect(paramsOf(run(teratogenExposureRule, pregnant([condition(local(c), { recordedDate: '2025-01-15' })])))).toMatchObject({
      kinds: [kind],
    });
    expect(
      paramsOf(run(teratogenExposureRule, pregnant([observation(local(c), { valueBoolean: true }, { date: '2025-01-15' })]))),
    ).toMatchObject({ kinds: [kind] });
  });

  it('an undated raw exposure, or one straddling the window edge, is unusable', () => {
    const undated = condition(local('exposure-chemical'));
    const { recordedDate: _r, ...noDate } = undated;
    expect(run(teratogenExposureRule, pregnant([noDate]))).toMatchObject({ status: 'insufficient-data' });
    expect(
      run(
        teratogenExposureRule,
        pregnant([condition(local('exposure-chemical'), { onsetDateTime: '2025-04', recordedDate: '2025-05-01' })]),
      ),
    ).toMatchObject({ status: 'insufficient-data', reason: expect.stringContaining('first trimester') });
  });
});

describe('teratogen-exposure: O35.5 / O35.6 assert the concern whatever their date in this pregnancy', () => {
  it.each([
    ['in the first trimester', { onsetDateTime: '2025-02-01' }, 'fired'],
    ['at 14+0', { onsetDateTime: '2025-04-02' }, 'fired'],
    ['recorded at 22+0 (no onset)', { recordedDate: '2025-05-28' }, 'fired'],
    ['on the LMP', { onsetDateTime: '2024-12-25' }, 'fired'],
    ['the day before the LMP (an earlier pregnancy)', { onsetDateTime: '2024-12-24', recordedDate: '2024-12-24' }, 'not-fired'],
    ['a partial date straddling the LMP', { onsetDateTime: '2024-12', recordedDate: '2024-12' }, 'insufficient-data'],
  ] as const)('O35.5 %s → %s', (_n, dates, status) => {
    const { recordedDate: _r, ...c } = condition(icd('O35.5'));
    const o = run(teratogenExposureRule, pregnant([{ ...c, ...dates }]));
    expect(o.status).toBe(status);
    if (status === 'fired') expect(paramsOf(o)).toMatchObject({ kinds: ['drug'], items: [{ basis: 'coded-concern', kind: 'drug' }] });
  });

  it('undated: fires (it belongs to a pregnancy, and this is the current one)', () => {
    const { recordedDate: _r, ...c } = condition(icd('O35.6'));
    expect(paramsOf(run(teratogenExposureRule, pregnant([c])))).toMatchObject({
      kinds: ['radiation'],
      items: [{ basis: 'coded-concern', kind: 'radiation' }],
    });
  });

  it('ICD-10 national clinical edition codes (O35.500x001, …/icd-10-cn) match by prefix', () => {
    const c = condition(code(SYSTEMS.icd10cn, 'O35.500x001', '孕妇医疗：药物导致的胎儿损害'), { recordedDate: '2025-05-20' });
    expect(paramsOf(run(teratogenExposureRule, pregnant([c])))).toMatchObject({ kinds: ['drug'] });
  });

  it('entered-in-error / refuted do not count', () => {
    for (const v of ['entered-in-error', 'refuted'])
      expect(
        statusOf(
          teratogenExposureRule,
          pregnant([condition(icd('O35.5'), { recordedDate: '2025-01-15', verificationStatus: verification(v) })]),
        ),
      ).toBe('not-fired');
  });

  it('no LMP (pregnancy known, undated): O35.5 in the fallback scope fires; raw exposures cannot be placed', () => {
    const preg = condition(sct('77386006'));
    expect(statusOf(teratogenExposureRule, snapshotOf([preg, condition(icd('O35.5'), { recordedDate: '2025-02-01' })]))).toBe('fired');
    expect(run(teratogenExposureRule, snapshotOf([preg, condition(local('exposure-drug'), { recordedDate: '2025-02-01' })]))).toMatchObject(
      {
        status: 'insufficient-data',
        reason: expect.stringContaining('no LMP/EDD'),
      },
    );
    expect(run(teratogenExposureRule, snapshotOf([preg, medStatement(atc('D10BA01'), { effectiveDateTime: '2025-02-01' })]))).toMatchObject(
      {
        status: 'insufficient-data',
      },
    );
    expect(statusOf(teratogenExposureRule, snapshotOf([preg]))).toBe('not-fired');
  });
});

describe('teratogen-exposure: medications', () => {
  it.each([
    ['period inside the window', { effectivePeriod: { start: '2025-01-10', end: '2025-02-10' } }, 'fired'],
    ['period overlapping the window start', { effectivePeriod: { start: '2024-11-01', end: '2024-12-25' } }, 'fired'],
    ['period ending the day before LMP', { effectivePeriod: { start: '2024-11-01', end: '2024-12-24' } }, 'not-fired'],
    ['period starting at 14+0', { effectivePeriod: { start: '2025-04-02' } }, 'not-fired'],
    ['ongoing since before the LMP', { effectivePeriod: { start: '2024-06-01' } }, 'fired'],
    ['single day at 13+6', { effectiveDateTime: '2025-04-01' }, 'fired'],
  ])('MedicationStatement valproate (no washout), %s → %s', (_n, when, status) => {
    const o = run(teratogenExposureRule, pregnant([medStatement(atc('N03AG01'), when)]));
    expect(o.status).toBe(status);
    if (status === 'fired')
      expect(paramsOf(o)).toMatchObject({ kinds: ['medication'], items: [{ code: { code: 'N03AG01' }, basis: 'first-trimester' }] });
  });

  it.each([
    ['isotretinoin', 'D10BA01', 30],
    ['acitretin', 'D05BB02', 1095],
    ['leflunomide', 'L04AA13', 730],
    ['mycophenolate', 'L04AA06', 42],
    ['methotrexate', 'L01BA01', 90],
    ['methotrexate (L04AX03)', 'L04AX03', 90],
  ])('%s stopped %s: within its washout of %i days before the LMP counts, a day more does not', (_n, atcCode, days) => {
    const stopped = (d: number) => medStatement(atc(atcCode), { effectivePeriod: { start: '2020-01-01', end: beforeLmp(d) } });
    const within = run(teratogenExposureRule, pregnant([stopped(days)]));
    expect(paramsOf(within)).toMatchObject({
      kinds: ['medication'],
      items: [{ basis: 'washout', stopped: beforeLmp(days), washoutDays: days, daysBeforeLmp: days }],
    });
    expect(statusOf(teratogenExposureRule, pregnant([stopped(days + 1)]))).toBe('not-fired');
  });

  it('a MedicationRequest whose supply ran out within the washout counts', () => {
    const r = medRequest(atc('D10BA01'), {
      authoredOn: '2024-10-20',
      dispenseRequest: { expectedSupplyDuration: { value: 30, unit: '天', code: 'd', system: SYSTEMS.ucum } },
    });
    // Supply to 2024-11-19: 36 days before the LMP; isotretinoin's washout is 30 days.
    expect(statusOf(teratogenExposureRule, pregnant([r]))).toBe('not-fired');
    const later = medRequest(atc('D10BA01'), {
      authoredOn: '2024-11-01',
      dispenseRequest: { expectedSupplyDuration: { value: 4, unit: '周', code: 'wk', system: SYSTEMS.ucum } },
    });
    expect(paramsOf(run(teratogenExposureRule, pregnant([later])))).toMatchObject({
      items: [{ basis: 'washout', stopped: '2024-11-29', daysBeforeLmp: 26 }],
    });
  });

  it.each([
    ['methimazole', 'H03BB02'],
    ['carbimazole', 'H03BB01'],
    ['topiramate', 'N03AX11'],
    ['acitretin', 'D05BB02'],
  ])('%s (%s) is in the default teratogen set', (_n, atcCode) => {
    expect(statusOf(teratogenExposureRule, pregnant([medStatement(atc(atcCode), { effectiveDateTime: '2025-02-01' })]))).toBe('fired');
  });

  it('TERATOGEN_WASHOUT_DAYS is a policy map by ATC code (replacing the defaults); keys must be ATC codes', () => {
    const valproate = medStatement(atc('N03AG01'), { effectivePeriod: { start: '2024-06-01', end: beforeLmp(10) } });
    expect(statusOf(teratogenExposureRule, pregnant([valproate]))).toBe('not-fired');
    expect(statusOf(teratogenExposureRule, pregnant([valproate]), policy({ TERATOGEN_WASHOUT_DAYS: { N03AG01: 10 } }))).toBe('fired');
    const iso = medStatement(atc('D10BA01'), { effectivePeriod: { start: '2024-06-01', end: beforeLmp(10) } });
    expect(statusOf(teratogenExposureRule, pregnant([iso]), policy({ TERATOGEN_WASHOUT_DAYS: { N03AG01: 10 } }))).toBe('not-fired');
    expect(() => parsePolicy({ TERATOGEN_WASHOUT_DAYS: { isotretinoin: 30 } })).toThrow(/ATC/);
  });

  it('MedicationRequest: validity period, authoredOn + supply; non-teratogen, not-taken and cancelled do not count', () => {
    expect(
      statusOf(
        teratogenExposureRule,
        pregnant([medRequest(atc('N03AG01'), { dispenseRequest: { validityPeriod: { start: '2025-03-01', end: '2025-06-01' } } })]),
      ),
    ).toBe('fired');
    expect(
      statusOf(
        teratogenExposureRule,
        pregnant([
          medRequest(atc('B01AA03'), {
            authoredOn: '2024-12-01',
            dispenseRequest: { expectedSupplyDuration: { value: 30, unit: 'd', code: 'd', system: 'http://unitsofmeasure.org' } },
          }),
        ]),
      ),
    ).toBe('fired');
    expect(statusOf(teratogenExposureRule, pregnant([medRequest(atc('B01AA03'), { authoredOn: '2024-12-01' })]))).toBe('not-fired');
    expect(statusOf(teratogenExposureRule, pregnant([medRequest(atc('N02BE01'), { authoredOn: '2025-01-10' })]))).toBe('not-fired');
    expect(statusOf(teratogenExposureRule, pregnant([medRequest(atc('N03AG01'), { authoredOn: '2025-01-10', status: 'cancelled' })]))).toBe(
      'not-fired',
    );
    expect(
      statusOf(teratogenExposureRule, pregnant([medStatement(atc('N03AG01'), { effectiveDateTime: '2025-01-10', status: 'not-taken' })])),
    ).toBe('not-fired');
  });

  it('undated medication is reported as insufficient-data', () => {
    expect(statusOf(teratogenExposureRule, pregnant([medStatement(atc('D10BA01'))]))).toBe('insufficient-data');
  });

  it('window length from policy; local codes from policy', () => {
    expect(
      statusOf(
        teratogenExposureRule,
        pregnant([condition(local('exposure-drug'), { onsetDateTime: '2025-04-02' })]),
        policy({ FIRST_TRIMESTER_LAST_DAY: 98 }),
      ),
    ).toBe('fired');
    const pol = policy({ localCodes: { 'teratogen-medication': [{ system: 'urn:oid:1.2.156.drug', code: 'X1' }] } });
    expect(
      statusOf(
        teratogenExposureRule,
        pregnant([medStatement(code('urn:oid:1.2.156.drug', 'X1'), { effectiveDateTime: '2025-01-10' })]),
        pol,
      ),
    ).toBe('fired');
  });
});

describe('teratogen-exposure: the card sentence says why each exposure counts (wording stays "physician to confirm")', () => {
  it('first trimester, a coded concern and a washout medication', () => {
    const o = run(
      teratogenExposureRule,
      pregnant([
        condition(local('exposure-radiation'), { onsetDateTime: '2025-01-20' }),
        condition(icd('O35.5'), { recordedDate: '2025-05-20' }),
        medStatement(code(SYSTEMS.atc, 'D10BA01', '异维A酸'), { effectivePeriod: { start: '2024-09-01', end: beforeLmp(20) } }),
      ]),
    );
    const p = paramsOf(o) as never;
    expect(findingSentence('teratogen-exposure', p, 'en')).toBe(
      'Possible teratogen exposure — physician to confirm: possible exposure to radiation in the first trimester (2024-12-25 to 2025-04-01). ' +
        'Maternal care for suspected fetal damage by drugs is recorded in this pregnancy. ' +
        '异维A酸 was stopped on 2024-12-05, 20 days before the LMP, within its washout period of 30 days.',
    );
    expect(findingSentence('teratogen-exposure', p, 'zh-CN')).toContain(
      '异维A酸于2024-12-05停用，距末次月经20天，仍在该药30天的停药等待期内。',
    );
  });

  it('a coded concern alone leads with "physician to confirm"', () => {
    const p = paramsOf(run(teratogenExposureRule, pregnant([condition(icd('O35.6'), { recordedDate: '2025-05-20' })]))) as never;
    expect(findingSentence('teratogen-exposure', p, 'zh-CN')).toBe(
      '可能存在致畸物暴露，请医师核实。本次妊娠记录有因可疑放射线致胎儿损害的孕产妇医疗诊断。',
    );
  });
});
