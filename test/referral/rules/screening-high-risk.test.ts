import type { Observation } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { screeningHighRiskRule } from '../../../src/referral/rules/screening-high-risk.js';
import {
  cc,
  code,
  interp,
  loinc,
  observation,
  paramsOf,
  policy,
  pregnant,
  risk,
  run,
  sct,
  snapshotOf,
  ucum,
} from '../../clinical/fixtures.js';

/** docs/rules.md#screening-high-risk: the lab call and the number (T21 ≥ 1/270, T18/T13 ≥ 1/350, AFP MoM ≥ 2.0) must agree; 48803-1 positive. */
describe('screening-high-risk', () => {
  it.each([
    ['T21 1/270', 't21-risk', { valueString: '1/270' }, 'fired', 270],
    ['T21 1:270', 't21-risk', { valueString: '1:270' }, 'fired', 270],
    ['T21 1：200 full-width', 't21-risk', { valueString: '1：200' }, 'fired', 200],
    ['T21 1/271', 't21-risk', { valueString: '1/271' }, 'not-fired', undefined],
    ['T21 ratio 1:100', 't21-risk', { valueRatio: { numerator: { value: 1 }, denominator: { value: 100 } } }, 'fired', 100],
    ['T21 probability 0.0037 (≈ 1/270.3)', 't21-risk', { valueQuantity: ucum(0.0037, '1') }, 'not-fired', undefined],
    ['T21 probability 0.004 (1/250)', 't21-risk', { valueQuantity: ucum(0.004, '1') }, 'fired', 250],
    ['T18 1/350', 't18-risk', { valueString: '1/350' }, 'fired', 350],
    ['T18 1/351', 't18-risk', { valueString: '1/351' }, 'not-fired', undefined],
    ['T13 1/350', 't13-risk', { valueString: '1/350' }, 'fired', 350],
  ])('%s → %s', (_n, c, value, status, n) => {
    const o = run(screeningHighRiskRule, pregnant([risk(c, value)]));
    expect(o.status).toBe(status);
    if (n !== undefined) expect(paramsOf(o)).toMatchObject({ decidedBy: 'cutoff', riskN: n, test: c.slice(0, 3) });
  });

  it('interpretation H with 1/5000: the call and the number disagree → insufficient-data', () => {
    expect(
      run(screeningHighRiskRule, pregnant([risk('t21-risk', { valueString: '1/5000', interpretation: [interp('H')] })])),
    ).toMatchObject({
      status: 'insufficient-data',
      reason: expect.stringContaining('lab call and value disagree'),
    });
  });

  it('interpretation N with 1/100: the call and the number disagree → insufficient-data, never silence', () => {
    expect(run(screeningHighRiskRule, pregnant([risk('t21-risk', { valueString: '1/100', interpretation: [interp('N')] })]))).toMatchObject(
      {
        status: 'insufficient-data',
        reason: expect.stringContaining('lab call and value disagree'),
        params: { unusable: [{ reason: expect.stringContaining('code N') }] },
      },
    );
  });

  it.each(['H', 'HH', 'A', 'AA', 'POS'])('interpretation %s fires (alone, or with a number that agrees)', (c) => {
    expect(paramsOf(run(screeningHighRiskRule, pregnant([risk('t21-risk', { interpretation: [interp(c)] })])))).toMatchObject({
      decidedBy: 'interpretation',
      interpretation: c,
      test: 't21',
    });
    expect(run(screeningHighRiskRule, pregnant([risk('t21-risk', { valueString: '1/100', interpretation: [interp(c)] })])).status).toBe(
      'fired',
    );
  });

  it('local high-risk interpretation and the text 高风险', () => {
    expect(
      run(
        screeningHighRiskRule,
        pregnant([
          risk('t21-risk', {
            valueString: '1/200',
            interpretation: [cc(code('http://prenatal-cds.org/fhir/CodeSystem/prenatal-observation', 'high-risk'))],
          }),
        ]),
      ).status,
    ).toBe('fired');
    expect(paramsOf(run(screeningHighRiskRule, pregnant([risk('nipt-result', { valueString: 'T21 高风险' })])))).toMatchObject({
      test: 'nipt',
      decidedBy: 'interpretation',
    });
    expect(run(screeningHighRiskRule, pregnant([risk('nipt-result', { valueString: '低风险' })])).status).toBe('not-fired');
    expect(
      run(screeningHighRiskRule, pregnant([risk('nipt-result', { interpretation: [{ text: '高风险' }], valueString: '见报告' })])).status,
    ).toBe('fired');
  });

  it('cut-off from policy', () => {
    expect(
      run(screeningHighRiskRule, pregnant([risk('t21-risk', { valueString: '1/300' })]), policy({ SERUM_T21_CUTOFF: 300 })).status,
    ).toBe('fired');
  });

  it('NTD: AFP MoM ≥ 2.0 or 48803-1 positive', () => {
    expect(
      paramsOf(
        run(
          screeningHighRiskRule,
          pregnant([observation(loinc('20450-3'), { valueQuantity: { value: 2.0, unit: '{MoM}' } }, { date: '2025-04-10' })]),
        ),
      ),
    ).toMatchObject({ test: 'ntd', mom: 2, decidedBy: 'cutoff' });
    expect(
      run(screeningHighRiskRule, pregnant([observation(loinc('20450-3'), { valueQuantity: { value: 1.9 } }, { date: '2025-04-10' })]))
        .status,
    ).toBe('not-fired');
    expect(
      run(
        screeningHighRiskRule,
        pregnant([observation(loinc('48803-1'), { valueCodeableConcept: cc(sct('10828004')) }, { date: '2025-04-10' })]),
      ).status,
    ).toBe('fired');
    expect(
      run(
        screeningHighRiskRule,
        pregnant([observation(loinc('48803-1'), { valueCodeableConcept: cc(sct('260385009')) }, { date: '2025-04-10' })]),
      ).status,
    ).toBe('not-fired');
  });

  it('the latest result of this pregnancy wins', () => {
    expect(
      run(
        screeningHighRiskRule,
        pregnant([
          risk('t21-risk', { valueString: '1/100' }, { date: '2025-03-01' }),
          risk('t21-risk', { valueString: '1/2000' }, { date: '2025-04-20' }),
        ]),
      ).status,
    ).toBe('not-fired');
    expect(run(screeningHighRiskRule, pregnant([risk('t21-risk', { valueString: '1/100' }, { date: '2024-05-01' })])).status).toBe(
      'not-fired',
    );
  });

  it('entered-in-error and preliminary-with-final', () => {
    expect(run(screeningHighRiskRule, pregnant([risk('t21-risk', { valueString: '1/100', status: 'entered-in-error' })])).status).toBe(
      'not-fired',
    );
    expect(
      run(
        screeningHighRiskRule,
        pregnant([
          risk('t21-risk', { valueString: '1/2000' }, { date: '2025-04-01' }),
          risk('t21-risk', { valueString: '1/100', status: 'preliminary' }, { date: '2025-04-20' }),
        ]),
      ).status,
    ).toBe('not-fired');
    expect(run(screeningHighRiskRule, pregnant([risk('t21-risk', { valueString: '1/100', status: 'preliminary' })])).status).toBe('fired');
  });

  it('ambiguous values are unusable and reported (insufficient-data), never guessed; a bare integer N is 1/N', () => {
    expect(paramsOf(run(screeningHighRiskRule, pregnant([risk('t21-risk', { valueInteger: 100 })])))).toMatchObject({ riskN: 100 });
    expect(paramsOf(run(screeningHighRiskRule, pregnant([risk('t21-risk', { valueQuantity: { value: 0.01 } })])))).toMatchObject({
      riskN: 100,
    });
    expect(run(screeningHighRiskRule, pregnant([risk('t21-risk', { valueQuantity: ucum(100, 'mg') })])).status).toBe('insufficient-data');
    expect(run(screeningHighRiskRule, pregnant([risk('t21-risk', { valueString: '1:abc' })])).status).toBe('insufficient-data');
  });

  it('several high-risk tests: params of the most recent, items list all', () => {
    const p = paramsOf(
      run(
        screeningHighRiskRule,
        pregnant([
          risk('t21-risk', { valueString: '1/100' }, { date: '2025-03-01' }),
          risk('t18-risk', { valueString: '1/50' }, { date: '2025-03-05' }),
        ]),
      ),
    );
    expect(p).toMatchObject({ test: 't18', riskN: 50, cutoffN: 350 });
    expect((p.items as unknown[]).length).toBe(2);
  });

  it('local code from policy (a hospital LOINC for the T21 risk)', () => {
    const pol = policy({ localCodes: { 'screening-t21': [{ system: 'http://loinc.org', code: '43995-6' }] } });
    const o = observation(loinc('43995-6'), { valueString: '1/50' }, { date: '2025-04-10' });
    expect(run(screeningHighRiskRule, pregnant([o])).status).toBe('not-fired');
    expect(run(screeningHighRiskRule, pregnant([o]), pol).status).toBe('fired');
  });

  it('not pregnant → not-applicable', () => {
    expect(run(screeningHighRiskRule, snapshotOf([risk('t21-risk', { valueString: '1/100' })])).status).toBe('not-applicable');
  });
});

/** docs/rules.md#lab-call, #risks: negation-aware wording, codes first, call and number must agree. */
describe('screening-high-risk: lab calls and risk forms', () => {
  const nipt = (value: Partial<Observation>) => run(screeningHighRiskRule, pregnant([risk('nipt-result', value)]));
  const t21 = (value: Partial<Observation>) => run(screeningHighRiskRule, pregnant([risk('t21-risk', value)]));

  it.each([
    ['非高风险', 'not-fired'],
    ['not high risk', 'not-fired'],
    ['Not high-risk', 'not-fired'],
    ['no increased risk', 'not-fired'],
    ['低风险', 'not-fired'],
    ['NIPT：21、18、13三体低风险', 'not-fired'],
    ['阴性', 'not-fired'],
    ['未见异常', 'not-fired'],
    ['screen negative', 'not-fired'],
    ['临界风险', 'not-fired'],
    ['T21高风险', 'fired'],
    ['T21高风险，T18低风险，T13低风险', 'fired'],
    ['21-三体 阳性', 'fired'],
    ['High risk for trisomy 18', 'fired'],
    ['increased risk (T13)', 'fired'],
    ['ＴＲＩＳＯＭＹ　２１：ＨＩＧＨ ＲＩＳＫ', 'fired'],
    ['见报告', 'insufficient-data'],
    ['高风险切割值 1/270', 'insufficient-data'],
  ])('NIPT valueString %s → %s', (text, status) => {
    expect(nipt({ valueString: text }).status).toBe(status);
  });

  it.each([
    ['SNOMED 10828004 positive', cc(sct('10828004')), 'fired'],
    ['SNOMED 260373001 detected', cc(sct('260373001')), 'fired'],
    ['SNOMED 260385009 negative', cc(sct('260385009')), 'not-fired'],
    ['v3 L', interp('L'), 'not-fired'],
    ['v3 NEG', interp('NEG'), 'not-fired'],
  ])('NIPT interpretation %s → %s (codes first)', (_n, concept, status) => {
    expect(nipt({ valueString: '见报告', interpretation: [concept] }).status).toBe(status);
    expect(nipt({ valueCodeableConcept: concept }).status).toBe(status);
  });

  it('a code and a text that disagree: insufficient-data, never a call', () => {
    const o = nipt({ valueString: '低风险', interpretation: [interp('H')] });
    expect(o).toMatchObject({ status: 'insufficient-data', reason: expect.stringContaining('lab call and value disagree') });
    expect(nipt({ valueString: 'T21 高风险', interpretation: [interp('N')] }).status).toBe('insufficient-data');
    expect(nipt({ valueString: '见报告', interpretation: [interp('H'), interp('N')] }).status).toBe('insufficient-data');
  });

  it.each<[string, Partial<Observation>, string]>([
    ['N with 1/100', { valueString: '1/100', interpretation: [interp('N')] }, 'insufficient-data'],
    ['H with 1/5000', { valueString: '1/5000', interpretation: [interp('H')] }, 'insufficient-data'],
    ['临界风险 with 1/100', { valueString: '1/100 临界风险' }, 'insufficient-data'],
    ['低风险 with 1:150 in the same text', { valueString: '1:150 低风险' }, 'insufficient-data'],
    ['H with 1/100', { valueString: '1/100', interpretation: [interp('H')] }, 'fired'],
    ['高风险 with 1:150 in the same text', { valueString: '21三体 1:150 高风险' }, 'fired'],
    ['N with 1/5000', { valueString: '1/5000', interpretation: [interp('N')] }, 'not-fired'],
    ['临界风险 with 1/500', { valueString: '1/500 临界风险' }, 'not-fired'],
    ['H without a number', { interpretation: [interp('H')] }, 'fired'],
  ])('T21 %s → %s', (_n, value, status) => {
    const o = t21(value);
    expect(o.status).toBe(status);
    if (status === 'insufficient-data') expect(o).toMatchObject({ reason: expect.stringContaining('lab call and value disagree') });
  });

  it('a call agreeing with its number carries both', () => {
    expect(paramsOf(t21({ valueString: '1/100', interpretation: [interp('H')] }))).toMatchObject({
      decidedBy: 'interpretation',
      interpretation: 'H',
      riskN: 100,
      cutoffN: 270,
    });
  });

  it('AFP MoM called normal at 2.5: lab call and value disagree', () => {
    const o = run(
      screeningHighRiskRule,
      pregnant([observation(loinc('20450-3'), { valueQuantity: { value: 2.5 }, interpretation: [interp('N')] }, { date: '2025-04-10' })]),
    );
    expect(o).toMatchObject({ status: 'insufficient-data', reason: expect.stringContaining('lab call and value disagree') });
  });

  it.each<[string, Partial<Observation>, number | undefined]>([
    ['bare integer 150', { valueInteger: 150 }, 150],
    ['text "150"', { valueString: '150' }, 150],
    ['full-width "１：１５０"', { valueString: '１：１５０' }, 150],
    ['full-width slash "1／150"', { valueString: '1／150' }, 150],
    ['words around it', { valueString: '21三体风险值：1/150' }, 150],
    ['quantity without unit 150', { valueQuantity: { value: 150 } }, 150],
    ['probability without unit 0.005', { valueQuantity: { value: 0.005 } }, 200],
    ['bare integer 271', { valueInteger: 271 }, undefined],
  ])('risk %s', (_n, value, n) => {
    const o = t21(value);
    if (n === undefined) expect(o.status).toBe('not-fired');
    else expect(paramsOf(o)).toMatchObject({ decidedBy: 'cutoff', riskN: n });
  });

  it('two risks in one text, or a bare decimal above 1, are unusable', () => {
    expect(t21({ valueString: 'T21 1:150, T18 1:5000' }).status).toBe('insufficient-data');
    expect(t21({ valueString: '270.5' }).status).toBe('insufficient-data');
  });
});
