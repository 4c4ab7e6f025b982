import { describe, expect, it } from 'vitest';
import type { RuleError } from '../../src/engine/rule.js';
import { categoryOpenedBy } from '../../src/nipt/evaluate.js';
import type { NiptRule } from '../../src/nipt/rules/common.js';
import { NIPT_RULES } from '../../src/nipt/rules/index.js';
import { cardFindings, eddForGa, runService } from './support.js';

/**
 * A NIPT rule that throws never yields a reassuring card (docs/design.md#rule-failures): an order
 * whose category a rule error leaves open gets no card — the "could not decide" card lists the
 * rule as "could not evaluate" — and a card stands only on reasons no error could change.
 */
function throwing(...ids: string[]): NiptRule[] {
  return NIPT_RULES.map((r) =>
    ids.length === 0 || ids.includes(r.id)
      ? {
          ...r,
          evaluate: () => {
            throw new TypeError("Cannot read properties of undefined (reading '张丽')");
          },
        }
      : r,
  );
}

const error = (rule: string): RuleError => ({
  rule: rule as RuleError['rule'],
  version: '1.0.0',
  citation: 'x',
  cause: 'boom',
  errorClass: 'TypeError',
});

describe('NIPT rules that throw', () => {
  it('every NIPT rule threw: no card for the order (never "suitable"), every rule an error', async () => {
    const { cards, result } = await runService({}, { rules: throwing() });
    expect(cards).toEqual([]);
    const nipt = result.ruleErrors.filter((e) => e.rule.startsWith('nipt-'));
    expect(nipt.map((e) => e.rule).sort()).toEqual(
      NIPT_RULES.filter((r) => r.hooks.includes('order-select'))
        .map((r) => r.id)
        .sort(),
    );
  });

  it('a suitable order with one caution rule that threw: no card', async () => {
    const { cards, result } = await runService({}, { rules: throwing('nipt-ivf') });
    expect(cards).toEqual([]);
    expect(result.ruleErrors.map((e) => e.rule)).toEqual(['nipt-ivf']);
  });

  it('a suitable order whose institution check threw: no card (suitable claims nothing is against it)', async () => {
    const { cards } = await runService({}, { rules: throwing('nipt-institution-not-authorized') });
    expect(cards).toEqual([]);
  });

  it('a caution order (GA unknown) with a not-applicable rule that threw: no card', async () => {
    const { cards } = await runService({ edd: null }, { rules: throwing('nipt-maternal-malignancy') });
    expect(cards).toEqual([]);
  });

  it('a caution order with a caution rule that threw: the caution card stands (no error could lower it)', async () => {
    const { cards } = await runService({ edd: null }, { rules: throwing('nipt-ivf') });
    expect(cards).toHaveLength(1);
    expect(cards[0]!.indicator).toBe('warning');
    expect(cardFindings(cards[0]!)[0]!.rule).toBe('nipt-caution');
  });

  it('a not-applicable order (GA 10+0) with a caution rule that threw: the critical card stands', async () => {
    const { cards } = await runService({ edd: eddForGa(10, 0) }, { rules: throwing('nipt-ivf', 'nipt-multiple-pregnancy') });
    expect(cards).toHaveLength(1);
    expect(cards[0]!.indicator).toBe('critical');
    expect(cardFindings(cards[0]!).map((f) => f.rule)).toEqual(['nipt-not-applicable', 'nipt-ga-too-early']);
  });

  it('without errors the same orders get their cards (the control)', async () => {
    expect((await runService({})).cards.map((c) => c.indicator)).toEqual(['info']);
    expect((await runService({ edd: null })).cards.map((c) => c.indicator)).toEqual(['warning']);
  });
});

describe('categoryOpenedBy', () => {
  const NO_ADVICE = undefined;
  it.each([
    ['suitable: any NIPT rule error', 'nipt-suitable', [error('nipt-consent-missing')], [], ['nipt-consent-missing']],
    ['suitable: any referral rule error', 'nipt-suitable', [], [error('amniotic-fluid')], ['amniotic-fluid']],
    ['caution: a not-applicable rule error', 'nipt-caution', [error('nipt-ga-too-late')], [], ['nipt-ga-too-late']],
    ['caution: a caution or suitable rule error leaves it', 'nipt-caution', [error('nipt-ama'), error('nipt-intermediate-risk')], [], []],
    ['caution: the referral rule a not-applicable reason re-uses', 'nipt-caution', [], [error('fetal-anomaly')], ['fetal-anomaly']],
    ['caution: a referral rule a caution reason re-uses', 'nipt-caution', [], [error('ama')], []],
    ['not-applicable: no error can raise it', 'nipt-not-applicable', [error('nipt-ga-too-late'), error('nipt-ivf')], [error('ama')], []],
  ] as const)('%s', (_name, category, errors, referralErrors, expected) => {
    expect(categoryOpenedBy(category, errors, referralErrors, NO_ADVICE, NIPT_RULES)).toEqual(expected);
  });

  it('not-applicable whose advice says "no indication in the record": a referral rule error opens it', () => {
    const advice = { kind: 'window-passed', basis: ['nipt-ga-too-late'], referral: false } as const;
    expect(categoryOpenedBy('nipt-not-applicable', [], [error('genetic-family-history')], advice, NIPT_RULES)).toEqual([
      'genetic-family-history',
    ]);
    expect(
      categoryOpenedBy('nipt-not-applicable', [], [error('genetic-family-history')], { ...advice, referral: true }, NIPT_RULES),
    ).toEqual([]);
  });
});
