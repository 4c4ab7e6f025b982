import { BOTH_HOOKS, CLINICAL_CITATION, fromReferral, NIPT_RULE_VERSION, NIPT_SERVICES, type NiptRule } from './common.js';

/**
 * `nipt-ama` — age at the EDD ≥ 35 (AMA_AGE_YEARS / AMA_COMPARATOR / AMA_REFERENCE, as the `ama`
 * referral rule): NIPT only with caution — prenatal diagnosis is the recommendation (ZJ-2023
 * Art.24(5)). ZJ-2023 Art.28; NIPT-2016 (慎用: 预产期年龄≥35岁). Same decision, evidence and params
 * as the `ama` referral finding (partial birthDate: insufficient data, never a guess).
 */
export const niptAmaRule: NiptRule = {
  id: 'nipt-ama',
  version: NIPT_RULE_VERSION,
  title: { 'zh-CN': '预产期年龄≥35周岁', en: 'Age 35 or older at the expected date of delivery' },
  citation: CLINICAL_CITATION,
  services: NIPT_SERVICES,
  inputs: ['birth-date', 'edd-clinical', 'edd-ultrasound', 'edd-lmp', 'edd-ovulation', 'lmp', 'gestational-age'],
  category: 'nipt-caution',
  indicator: 'warning',
  hooks: BOTH_HOOKS,
  evaluate: (input) => fromReferral(input, 'ama', 'nipt-ama', CLINICAL_CITATION),
};
