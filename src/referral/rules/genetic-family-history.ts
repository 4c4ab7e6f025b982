import type { FamilyHistoryParams, PregnancyFacts } from '../../clinical/finding-params.js';
import type { Rule } from '../../engine/rule.js';
import { fired, historyContext, notFiredOrInsufficient, NOT_PREGNANT, REFERRAL_SERVICES, RULE_VERSION } from './common.js';
import { familyHistoryItems } from './family-history.js';

const CITATION = { zj: 'ZJ-2023 Art.24(4)', national: 'PDM Art.17(4)' } as const;

/**
 * `genetic-family-history` — family history of genetic disease. ZJ-2023 Art.24(4)
 * (「有遗传病家族史或者曾经分娩过先天性严重缺陷婴儿的」); PDM Art.17(4).
 *
 * Fires on any FamilyMemberHistory (either partner's side, any date — a history item) with a
 * condition in `genetic-condition` (SNOMED 409709004, 41040004, 253098009, 13213009, 190905008,
 * 90935002, 40108008, 417357006 + local codes).
 */
export const geneticFamilyHistoryRule: Rule<PregnancyFacts> = {
  id: 'genetic-family-history',
  version: RULE_VERSION,
  title: { 'zh-CN': '有遗传病家族史', en: 'Family history of genetic disease' },
  citation: CITATION,
  services: REFERRAL_SERVICES,
  inputs: ['genetic-condition'],
  evaluate(input) {
    if (!input.facts.current) return NOT_PREGNANT;
    const { items, unusable } = familyHistoryItems(historyContext(input), 'genetic-condition');
    if (items.length === 0) return notFiredOrInsufficient(unusable);
    const params: FamilyHistoryParams = { items };
    return fired('genetic-family-history', CITATION, params);
  },
};
