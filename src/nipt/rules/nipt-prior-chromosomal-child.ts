import { familyHistoryItems } from '../../referral/rules/family-history.js';
import {
  BOTH_HOOKS,
  CLINICAL_CITATION,
  historyContext,
  NIPT_RULE_VERSION,
  NIPT_SERVICES,
  niptFired,
  notFiredOrInsufficient,
  type NiptRule,
} from './common.js';

/**
 * `nipt-prior-chromosomal-child` — a previous child with a chromosomal abnormality: NIPT only with
 * caution. ZJ-2023 Art.28; NIPT-2016 (慎用: 有染色体异常胎儿分娩史). A FamilyMemberHistory whose
 * relationship is in `child-relationship` (v3-RoleCode CHILD, SON, DAU, NCHILD) with a condition in
 * `prior-chromosomal-child` (SNOMED 409709004, 70156005, 41040004, 51500006, 21111006; ICD-10
 * Q90–Q99; + local). History: any date.
 */
export const niptPriorChromosomalChildRule: NiptRule = {
  id: 'nipt-prior-chromosomal-child',
  version: NIPT_RULE_VERSION,
  title: { 'zh-CN': '有染色体异常胎儿分娩史', en: 'Previous child with a chromosomal abnormality' },
  citation: CLINICAL_CITATION,
  services: NIPT_SERVICES,
  inputs: ['child-relationship', 'prior-chromosomal-child'],
  category: 'nipt-caution',
  indicator: 'warning',
  hooks: BOTH_HOOKS,
  evaluate(input) {
    const { items, unusable } = familyHistoryItems(historyContext(input), 'prior-chromosomal-child', 'child-relationship');
    if (items.length === 0) return notFiredOrInsufficient(unusable);
    return niptFired('nipt-prior-chromosomal-child', CLINICAL_CITATION, { items });
  },
};
