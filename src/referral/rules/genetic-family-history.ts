import type { CodeableConcept } from '@medplum/fhirtypes';
import type { ReadContext } from '../../clinical/data-elements/context.js';
import type { FamilyHistoryParams, PregnancyFacts } from '../../clinical/finding-params.js';
import type { Rule } from '../../engine/rule.js';
import { fired, historyContext, notFiredOrInsufficient, NOT_PREGNANT, REFERRAL_SERVICES, RULE_VERSION } from './common.js';
import { familyHistoryItems, type FamilyHistoryItem } from './family-history.js';

const CITATION = { zj: 'ZJ-2023 Art.24(4)', national: 'PDM Art.17(4)' } as const;

/**
 * A child's chromosomal or severe congenital code is a prior affected birth (`prior-affected-birth`),
 * never family history: it is left out here (docs/rules.md#prior-affected-birth).
 */
export function notPriorAffectedBirth(
  ctx: ReadContext,
): (relationship: CodeableConcept | undefined, condition: CodeableConcept) => boolean {
  return (relationship, condition) =>
    !(ctx.matcher.inValueSet('child-relationship', relationship) && ctx.matcher.inValueSet('congenital-or-chromosomal', condition));
}

/**
 * `genetic-family-history` — family history of genetic disease. ZJ-2023 Art.24(4)
 * (「有遗传病家族史或者曾经分娩过先天性严重缺陷婴儿的」); PDM Art.17(4).
 *
 * Fires on a FamilyMemberHistory (any date — a history item) of a relative of either partner with a
 * condition in `genetic-condition` (SNOMED 409709004, 41040004, 253098009, 13213009, 190905008,
 * 90935002, 40108008, 417357006; ICD-10 Q90–Q99, Q77–Q78, Q85, Q87, D56–D58, D66, D67, D68.0,
 * E70–E88 but E86/E87, G10, G11, G12, G71.0; + local codes), or of a first-degree relative
 * (`first-degree-relative`) with a neural-tube defect (`neural-tube-defect`: ICD-10 Q00, Q01, Q05).
 * A child's chromosomal or severe congenital code is `prior-affected-birth` only.
 */
export const geneticFamilyHistoryRule: Rule<PregnancyFacts> = {
  id: 'genetic-family-history',
  version: RULE_VERSION,
  title: { 'zh-CN': '有遗传病家族史', en: 'Family history of genetic disease' },
  citation: CITATION,
  services: REFERRAL_SERVICES,
  inputs: ['genetic-condition', 'neural-tube-defect', 'first-degree-relative', 'child-relationship', 'congenital-or-chromosomal'],
  evaluate(input) {
    if (!input.facts.current) return NOT_PREGNANT;
    const ctx = historyContext(input);
    const accept = notPriorAffectedBirth(ctx);
    const genetic = familyHistoryItems(ctx, 'genetic-condition', undefined, accept);
    const ntd = familyHistoryItems(ctx, 'neural-tube-defect', 'first-degree-relative', accept);
    const items: FamilyHistoryItem[] = [...genetic.items];
    for (const i of ntd.items) if (!items.some((x) => x.reference === i.reference)) items.push(i);
    if (items.length === 0) {
      const unusable = [...genetic.unusable, ...ntd.unusable].filter(
        (u, k, all) => all.findIndex((x) => x.reference === u.reference) === k,
      );
      return notFiredOrInsufficient(unusable);
    }
    const params: FamilyHistoryParams = { items };
    return fired('genetic-family-history', CITATION, params);
  },
};
