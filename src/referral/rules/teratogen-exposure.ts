import type { Unusable } from '../../clinical/data-elements/context.js';
import { codedEvidence } from '../../clinical/data-elements/coded.js';
import { evidenceItem } from '../../clinical/data-elements/items.js';
import { addDays, toDayNumber } from '../../calendar/index.js';
import type { EvidenceItem, PregnancyFacts, TeratogenExposureParams } from '../../clinical/finding-params.js';
import type { Rule } from '../../engine/rule.js';
import { fired, historyContext, notFiredOrInsufficient, NOT_PREGNANT, REFERRAL_SERVICES, RULE_VERSION } from './common.js';
import { teratogenMedications } from './medication-exposure.js';

const CITATION = { zj: 'ZJ-2023 Art.24(3)', national: 'PDM Art.17(3)' } as const;

type Kind = TeratogenExposureParams['kinds'][number];
const KIND_SETS: readonly [Kind, string][] = [
  ['drug', 'exposure-drug'],
  ['radiation', 'exposure-radiation'],
  ['chemical', 'exposure-chemical'],
  ['infection', 'exposure-infection'],
];

/**
 * `teratogen-exposure` — possible exposure to teratogens in early pregnancy. ZJ-2023 Art.24(3)
 * (「孕早期时接触过可能导致胎儿先天缺陷的物质的」); PDM Art.17(3).
 *
 * Window: LMP .. LMP + FIRST_TRIMESTER_LAST_DAY (97 d = 13+6), inclusive. Fires on coded exposure
 * (Condition / Observation in `teratogen-exposure-condition`: ICD-10 O35.5, O35.6, local
 * exposure-* codes) whose onset (else recorded) date lies in the window, or a teratogen medication
 * (ATC set) whose period of use overlaps it. No LMP (pregnancy known but undated): exposure evidence
 * cannot be placed → insufficient-data. Hospitals adding a local exposure code should also add it
 * to the matching `exposure-<kind>` value set so that `kinds` names it. The card says "possible
 * teratogen exposure — physician to confirm" (rendering).
 */
export const teratogenExposureRule: Rule<PregnancyFacts> = {
  id: 'teratogen-exposure',
  version: RULE_VERSION,
  title: { 'zh-CN': '孕早期接触过可能导致胎儿先天缺陷的物质', en: 'Possible teratogen exposure in early pregnancy' },
  citation: CITATION,
  services: REFERRAL_SERVICES,
  inputs: ['teratogen-exposure-condition', 'teratogen-medication'],
  evaluate(input) {
    const { facts, policy } = input;
    if (!facts.current) return NOT_PREGNANT;
    const ctx = historyContext(input);
    const coded = codedEvidence(ctx, 'teratogen-exposure-condition', false, ['condition', 'observation']);
    if (!facts.lmp) {
      if (coded.hits.length === 0) return { status: 'not-fired' };
      return {
        status: 'insufficient-data',
        reason: 'exposure evidence but no LMP/EDD to place the first trimester',
        params: { evidence: coded.hits.map((h) => h.reference) },
      };
    }
    const windowStart = facts.lmp;
    const windowEnd = addDays(facts.lmp, policy.FIRST_TRIMESTER_LAST_DAY);
    const [ws, we] = [toDayNumber(windowStart)!, toDayNumber(windowEnd)!];
    const unusable: Unusable[] = [...coded.unusable];
    const kinds: Kind[] = [];
    const items: EvidenceItem[] = [];
    for (const h of coded.hits) {
      if (!h.date) {
        unusable.push({ reference: h.reference, reason: 'undated exposure' });
        continue;
      }
      if (h.date.last < ws || h.date.first > we) continue;
      if (h.date.first < ws || h.date.last > we) {
        unusable.push({ reference: h.reference, reason: 'partial date: cannot tell whether it is in the first trimester' });
        continue;
      }
      for (const [kind, vs] of KIND_SETS) if (ctx.matcher.inValueSet(vs, h.coding) && !kinds.includes(kind)) kinds.push(kind);
      items.push(evidenceItem(h.reference, { date: h.date, code: h.coding, text: h.text }));
    }
    const meds = teratogenMedications(ctx, windowStart, windowEnd);
    unusable.push(...meds.unusable);
    for (const m of meds.hits) {
      if (!kinds.includes('medication')) kinds.push('medication');
      items.push({
        reference: m.reference,
        code: { system: m.coding.system ?? '', code: m.coding.code ?? '', ...(m.coding.display ? { display: m.coding.display } : {}) },
        ...(m.date ? { date: m.date } : {}),
        ...(m.text ? { text: m.text } : {}),
      });
    }
    if (items.length === 0) return notFiredOrInsufficient(unusable);
    const params: TeratogenExposureParams = { kinds, windowStart, windowEnd, items };
    return fired('teratogen-exposure', CITATION, params);
  },
};
