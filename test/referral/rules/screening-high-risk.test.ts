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

/** docs/rules.md#screening-high-risk: interpretation first, else T21 ≥ 1/270, T18/T13 ≥ 1/350, AFP MoM ≥ 2.0, 48803-1 positive. */
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

  it('interpretation beats the number: H with 1/5000 fires', () => {
    expect(
      paramsOf(run(screeningHighRiskRule, pregnant([risk('t21-risk', { valueString: '1/5000', interpretation: [interp('H')] })]))),
    ).toMatchObject({
      decidedBy: 'interpretation',
      interpretation: 'H',
      test: 't21',
    });
  });

  it("interpretation beats the number: N with 1/100 does not fire (the lab's normal call wins)", () => {
    expect(run(screeningHighRiskRule, pregnant([risk('t21-risk', { valueString: '1/100', interpretation: [interp('N')] })])).status).toBe(
      'not-fired',
    );
  });

  it.each(['HH', 'A', 'AA', 'POS'])('interpretation %s fires', (c) => {
    expect(run(screeningHighRiskRule, pregnant([risk('t21-risk', { valueString: '1/5000', interpretation: [interp(c)] })])).status).toBe(
      'fired',
    );
  });

  it('local high-risk interpretation and the text 高风险', () => {
    expect(
      run(
        screeningHighRiskRule,
        pregnant([
          risk('t21-risk', {
            valueString: '1/5000',
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

  it('ambiguous values are unusable and reported (insufficient-data), never guessed', () => {
    expect(run(screeningHighRiskRule, pregnant([risk('t21-risk', { valueInteger: 100 })])).status).toBe('insufficient-data');
    expect(run(screeningHighRiskRule, pregnant([risk('t21-risk', { valueQuantity: { value: 0.01 } })])).status).toBe('insufficient-data');
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
