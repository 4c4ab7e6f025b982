import { codedEvidence } from '../../clinical/data-elements/coded.js';
import { codeRef } from '../../clinical/data-elements/items.js';
import type { FamilyHistoryParams, PregnancyFacts } from '../../clinical/finding-params.js';
import type { Rule } from '../../engine/rule.js';
import { fired, historyContext, notFiredOrInsufficient, NOT_PREGNANT, REFERRAL_SERVICES, RULE_VERSION } from './common.js';
import { familyHistoryItems, type FamilyHistoryItem } from './family-history.js';

const CITATION = { zj: 'ZJ-2023 Art.24(4)', national: 'PDM Art.17(4)' } as const;

/**
 * `prior-affected-birth` — previously gave birth to a child with a severe congenital defect.
 * ZJ-2023 Art.24(4) (「……或者曾经分娩过先天性严重缺陷婴儿的」); PDM Art.17(4).
 *
 * Fires on a FamilyMemberHistory whose relationship is in `child-relationship` (v3-RoleCode CHILD,
 * SON, DAU, NCHILD; a sibling's child is not hers) with a condition in `congenital-or-chromosomal`,
 * the severe defects (严重缺陷) of the birth-defect surveillance: ICD-10 Q00–Q99 except the minor
 * defects Q16, Q17, Q54, Q69, Q70; SNOMED the major-anomaly set without hypospadias, limb reduction,
 * encephalocele, oesophageal atresia, congenital heart disease, 276720006 and the chromosomal
 * disorders (+ local codes: a hospital adds minor defects there); or the local code
 * `prenatal-observation#prior-birth-defect` (`prior-birth-defect`) as a FamilyMemberHistory
 * condition (any relationship) or on a Condition/Observation of the woman. History items: any date.
 * Such a child never counts as `genetic-family-history` too.
 */
export const priorAffectedBirthRule: Rule<PregnancyFacts> = {
  id: 'prior-affected-birth',
  version: RULE_VERSION,
  title: { 'zh-CN': '曾经分娩过先天性严重缺陷婴儿', en: 'Previous birth of a child with a severe congenital defect' },
  citation: CITATION,
  services: REFERRAL_SERVICES,
  inputs: ['child-relationship', 'congenital-or-chromosomal', 'prior-birth-defect'],
  evaluate(input) {
    if (!input.facts.current) return NOT_PREGNANT;
    const ctx = historyContext(input);
    const child = familyHistoryItems(ctx, 'congenital-or-chromosomal', 'child-relationship');
    const local = familyHistoryItems(ctx, 'prior-birth-defect');
    const own = codedEvidence(ctx, 'prior-birth-defect', false, ['condition', 'observation']);
    const items: FamilyHistoryItem[] = [...child.items];
    for (const i of local.items) if (!items.some((x) => x.reference === i.reference)) items.push(i);
    for (const h of own.hits) {
      items.push({
        reference: h.reference,
        ...(h.date ? { date: h.date.raw } : {}),
        code: codeRef(h.coding),
        ...(h.text ? { text: h.text } : {}),
      });
    }
    if (items.length === 0) return notFiredOrInsufficient([...child.unusable, ...local.unusable, ...own.unusable]);
    const params: FamilyHistoryParams = { items };
    return fired('prior-affected-birth', CITATION, params);
  },
};
