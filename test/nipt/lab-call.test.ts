import type { Observation } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { interp, risk } from '../clinical/fixtures.js';
import { evaluate, type Scenario } from './support.js';

/**
 * The NIPT rules that reuse the screening lab call (docs/rules.md#lab-call, #nipt-screening-high-risk,
 * #nipt-intermediate-risk): negation-aware wording, every risk form, and a call that disagrees with
 * its number reported as insufficient-data — never silence.
 */
const R = (...values: Partial<Observation>[]): Scenario => ({ resources: values.map((v) => risk('t21-risk', v)) });
const nipt = (v: Partial<Observation>): Scenario => ({ resources: [risk('nipt-result', v)] });

describe('nipt-screening-high-risk and nipt-intermediate-risk read the lab call', () => {
  it.each<[string, Scenario, string[], string[]]>([
    ['NIPT 21三体高风险', nipt({ valueString: '21三体高风险' }), ['nipt-screening-high-risk'], []],
    ['NIPT 非高风险', nipt({ valueString: '非高风险' }), [], ['nipt-screening-high-risk']],
    ['NIPT not high risk', nipt({ valueString: 'not high risk' }), [], ['nipt-screening-high-risk']],
    ['T21 bare integer 150', R({ valueInteger: 150 }), ['nipt-screening-high-risk'], ['nipt-intermediate-risk']],
    ['T21 1：500 (full-width colon)', R({ valueString: '1：500' }), ['nipt-intermediate-risk'], ['nipt-screening-high-risk']],
    ['T21 bare integer 500', R({ valueInteger: 500 }), ['nipt-intermediate-risk'], []],
    ['T21 1/500 临界风险', R({ valueString: '1/500 临界风险' }), ['nipt-intermediate-risk'], ['nipt-screening-high-risk']],
    ['T21 1/500 called low (N)', R({ valueString: '1/500', interpretation: [interp('N')] }), ['nipt-intermediate-risk'], []],
  ])('%s', async (_n, scenario, fires, silent) => {
    const ev = await evaluate(scenario);
    for (const r of fires) expect(ev.reasons).toContain(r);
    for (const r of silent) expect(ev.reasons).not.toContain(r);
  });

  it.each<[string, Partial<Observation>, string]>([
    ['N with 1/100', { valueString: '1/100', interpretation: [interp('N')] }, 'nipt-screening-high-risk'],
    ['H with 1/5000', { valueString: '1/5000', interpretation: [interp('H')] }, 'nipt-screening-high-risk'],
    ['临界风险 with 1/100', { valueString: '1/100 临界风险' }, 'nipt-screening-high-risk'],
    ['临界风险 with 1/5000', { valueString: '1/5000 临界风险' }, 'nipt-intermediate-risk'],
    ['临界风险 without a number', { valueString: '临界风险' }, 'nipt-intermediate-risk'],
  ])('%s: %s cannot decide (insufficient-data), and neither fires', async (_n, value, rule) => {
    const ev = await evaluate(R(value));
    expect(ev.outcomes[rule as keyof typeof ev.outcomes]).toMatchObject({ status: 'insufficient-data' });
    expect(ev.reasons).not.toContain('nipt-screening-high-risk');
    expect(ev.reasons).not.toContain('nipt-intermediate-risk');
  });

  it('the disagreement is named in the reason', async () => {
    const ev = await evaluate(R({ valueString: '1/100', interpretation: [interp('N')] }));
    expect(ev.outcomes['nipt-screening-high-risk']).toMatchObject({ reason: expect.stringContaining('lab call and value disagree') });
  });
});
