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
 * `nipt-parental-chromosomal-abnormality` — either parent has a chromosomal abnormality: NIPT not
 * applicable. ZJ-2023 Art.28; NIPT-2016 (夫妇一方有明确染色体异常).
 *
 * Fires on a Condition (or Observation) of the woman coded in `chromosomal-abnormality` (SNOMED
 * 409709004 chromosomal disorder, and 70156005, 41040004, 51500006, 21111006; ICD-10 Q90–Q99, a
 * balanced rearrangement Q95 among them; + local), any date, not entered-in-error/refuted, and not
 * a fetal finding (docs/rules.md#fetal-finding: a fetal karyotype is not the mother's); or a FamilyMemberHistory whose relationship is in
 * `husband-relationship` (v3-RoleCode HUSB) with a condition in that set. History: any date.
 */
export const niptParentalChromosomalAbnormalityRule: NiptRule = {
  id: 'nipt-parental-chromosomal-abnormality',
  version: NIPT_RULE_VERSION,
  title: { 'zh-CN': '夫妇一方有明确染色体异常', en: 'Chromosomal abnormality in either parent' },
  citation: CLINICAL_CITATION,
  services: NIPT_SERVICES,
  inputs: ['chromosomal-abnormality', 'husband-relationship'],
  category: 'nipt-not-applicable',
  indicator: 'critical',
  hooks: BOTH_HOOKS,
  evaluate(input) {
    const ctx = historyContext(input);
    const own = ownFindings(ctx, 'chromosomal-abnormality', false, ['condition', 'observation']);
    const partner = familyHistoryItems(ctx, 'chromosomal-abnormality', 'husband-relationship');
    const items: (FamilyHistoryItem & { parent: 'mother' | 'father' })[] = [
      ...own.hits.map((h) => ({
        reference: h.reference,
        ...(h.date ? { date: h.date.raw } : {}),
        code: codeRef(h.coding),
        ...(h.text ? { text: h.text } : {}),
        parent: 'mother' as const,
      })),
      ...partner.items.map((i) => ({ ...i, parent: 'father' as const })),
    ];
    if (items.length === 0) return notFiredOrInsufficient([...own.unusable, ...partner.unusable]);
    const parents = [...new Set(items.map((i) => i.parent))];
    return niptFired('nipt-parental-chromosomal-abnormality', CLINICAL_CITATION, { parents, items });
  },
};
