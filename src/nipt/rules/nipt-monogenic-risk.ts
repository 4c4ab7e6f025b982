import { ownFindings } from '../../clinical/data-elements/fetal-finding.js';
import { codeRef } from '../../clinical/data-elements/items.js';
import { familyHistoryItems, type FamilyHistoryItem } from '../../referral/rules/family-history.js';
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
 * `nipt-monogenic-risk` — family history of, or high risk for, a monogenic (single-gene) disorder:
 * NIPT (which screens for aneuploidy) is not applicable. ZJ-2023 Art.28; NIPT-2016 (有单基因遗传病
 * 家族史或提示胎儿罹患单基因病高风险).
 *
 * A FamilyMemberHistory (any relationship, either partner's side) with a condition in
 * `monogenic-disorder` (SNOMED 40108008, 90935002, 190905008, 417357006; ICD-10 D56–D58, D66, D67,
 * E70–E88 but E86/E87, E84, G10, G12, G71.0, clinical-edition extensions included; + local); or —
 * the "high risk" half, our decision — a Condition of the woman herself in that set (not a fetal
 * finding, docs/rules.md#fetal-finding).
 * History: any date.
 */
export const niptMonogenicRiskRule: NiptRule = {
  id: 'nipt-monogenic-risk',
  version: NIPT_RULE_VERSION,
  title: { 'zh-CN': '单基因遗传病家族史或高风险', en: 'Family history or high risk of a monogenic disorder' },
  citation: CLINICAL_CITATION,
  services: NIPT_SERVICES,
  inputs: ['monogenic-disorder'],
  category: 'nipt-not-applicable',
  indicator: 'critical',
  hooks: BOTH_HOOKS,
  evaluate(input) {
    const ctx = historyContext(input);
    const family = familyHistoryItems(ctx, 'monogenic-disorder');
    const own = ownFindings(ctx, 'monogenic-disorder', false, ['condition']);
    const items: FamilyHistoryItem[] = [
      ...family.items,
      ...own.hits.map((h) => ({
        reference: h.reference,
        ...(h.date ? { date: h.date.raw } : {}),
        code: codeRef(h.coding),
        ...(h.text ? { text: h.text } : {}),
      })),
    ];
    if (items.length === 0) return notFiredOrInsufficient([...family.unusable, ...own.unusable]);
    return niptFired('nipt-monogenic-risk', CLINICAL_CITATION, { items });
  },
};
