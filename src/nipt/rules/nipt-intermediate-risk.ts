import { intermediateRisks } from '../readers/serum.js';
import {
  BOTH_HOOKS,
  CLINICAL_CITATION,
  NIPT_RULE_VERSION,
  NIPT_SERVICES,
  niptFired,
  NOT_PREGNANT,
  pregnancyContext,
  notFiredOrInsufficient,
  type NiptRule,
} from './common.js';

/**
 * `nipt-intermediate-risk` — serum screening risk between the high-risk cut-off and 1/1000: NIPT is
 * suitable (the pathway's typical indication). ZJ-2023 Art.28; NIPT-2016 (适用: 血清学筛查结果
 * 风险值介于高风险切割值与1/1000之间). T21 (cut-off 1/SERUM_T21_CUTOFF = 1/270), T18, T13 (1/350):
 * 1/270 is high risk (not intermediate), 1/271 and 1/1000 (NIPT_INTERMEDIATE_LOWER) are, 1/1001 is
 * not. The latest result of this pregnancy per test; a lab's high-risk call defers to
 * `nipt-screening-high-risk`; a lab's 临界风险 call needs a number in the range (docs/rules.md#lab-call).
 */
export const niptIntermediateRiskRule: NiptRule = {
  id: 'nipt-intermediate-risk',
  version: NIPT_RULE_VERSION,
  title: {
    'zh-CN': '血清学筛查风险值介于高风险切割值与1/1000之间',
    en: 'Serum screening risk between the high-risk cut-off and 1 in 1000',
  },
  citation: CLINICAL_CITATION,
  services: NIPT_SERVICES,
  inputs: ['screening-t21', 'screening-t18', 'screening-t13'],
  category: 'nipt-suitable',
  indicator: 'info',
  hooks: BOTH_HOOKS,
  evaluate(input) {
    if (!input.facts.pregnancy.current) return NOT_PREGNANT;
    const { hits, unusable } = intermediateRisks(pregnancyContext(input), input.policy);
    if (hits.length === 0) return notFiredOrInsufficient(unusable);
    const first = hits[0]!;
    return niptFired('nipt-intermediate-risk', CLINICAL_CITATION, {
      test: first.test,
      riskN: first.riskN,
      cutoffN: first.cutoffN,
      lowerN: first.lowerN,
      tests: hits.map((h) => h.test),
      items: hits.map((h) => h.item),
    });
  },
};
