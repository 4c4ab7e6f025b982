import type { Unusable } from '../../clinical/data-elements/context.js';
import { codedEvidence, type CodedHit } from '../../clinical/data-elements/coded.js';
import { evidenceItem } from '../../clinical/data-elements/items.js';
import { addDays, toDayNumber } from '../../calendar/index.js';
import type { PregnancyFacts, TeratogenExposureItem, TeratogenExposureParams } from '../../clinical/finding-params.js';
import { pregnancyScopeStart } from '../../clinical/pregnancy/scope-start.js';
import type { Rule } from '../../engine/rule.js';
import { fired, historyContext, notFiredOrInsufficient, NOT_PREGNANT, REFERRAL_SERVICES, RULE_VERSION } from './common.js';
import { teratogenMedications, type MedicationHit } from './medication-exposure.js';

const CITATION = { zj: 'ZJ-2023 Art.24(3)', national: 'PDM Art.17(3)' } as const;

type Kind = TeratogenExposureParams['kinds'][number];
const KIND_SETS: readonly [Exclude<Kind, 'medication'>, string][] = [
  ['drug', 'exposure-drug'],
  ['radiation', 'exposure-radiation'],
  ['chemical', 'exposure-chemical'],
  ['infection', 'exposure-infection'],
];
const NO_LMP = 'no LMP/EDD to place the first trimester';

function medicationItem(m: MedicationHit): TeratogenExposureItem {
  return {
    reference: m.reference,
    code: { system: m.coding.system ?? '', code: m.coding.code ?? '', ...(m.coding.display ? { display: m.coding.display } : {}) },
    ...(m.date ? { date: m.date } : {}),
    ...(m.text ? { text: m.text } : {}),
    kind: 'medication',
    ...(m.washout
      ? { basis: 'washout' as const, stopped: m.washout.stopped, washoutDays: m.washout.days, daysBeforeLmp: m.washout.daysBeforeWindow }
      : { basis: 'first-trimester' as const }),
  };
}

/**
 * `teratogen-exposure` — possible exposure to teratogens in early pregnancy. ZJ-2023 Art.24(3)
 * (「孕早期接触过可能导致胎儿先天缺陷的物质的」); PDM Art.17(3); docs/rules.md#teratogen-exposure.
 *
 * - A coded concern — ICD-10 O35.5 / O35.6, maternal care for suspected fetal damage by drugs /
 *   radiation (value set `suspected-fetal-damage`) — recorded in this pregnancy fires whatever its
 *   date (the code asserts the concern), and undated too; dated before the pregnancy's first day it
 *   is an earlier pregnancy's; a partial date straddling that day is unusable.
 * - Raw exposures (local `exposure-*` codes) count when their onset (else recorded) date lies in the
 *   first trimester, LMP .. LMP + FIRST_TRIMESTER_LAST_DAY (97 d = 13+6), inclusive.
 * - Teratogen medications (ATC set) count when their period of use overlaps the first trimester,
 *   or ended before the LMP within the medication's washout (TERATOGEN_WASHOUT_DAYS, by ATC code).
 *
 * No LMP (pregnancy known but undated): raw exposures and medications cannot be placed, so they
 * are unusable. Each item says why it counts (`basis`). The card says "possible teratogen exposure
 * — physician to confirm" (rendering).
 */
export const teratogenExposureRule: Rule<PregnancyFacts> = {
  id: 'teratogen-exposure',
  version: RULE_VERSION,
  title: { 'zh-CN': '孕早期接触过可能导致胎儿先天缺陷的物质', en: 'Possible teratogen exposure in early pregnancy' },
  citation: CITATION,
  services: REFERRAL_SERVICES,
  inputs: ['suspected-fetal-damage', 'teratogen-exposure-condition', 'teratogen-medication'],
  evaluate(input) {
    const { facts, policy, now } = input;
    if (!facts.current) return NOT_PREGNANT;
    const ctx = historyContext(input);
    const firstDay = pregnancyScopeStart(facts, policy, now);
    const scopeStart = toDayNumber(firstDay)!;
    const coded = codedEvidence(ctx, 'teratogen-exposure-condition', false, ['condition', 'observation']);
    const unusable: Unusable[] = [...coded.unusable];
    const items: TeratogenExposureItem[] = [];
    const kindOf = (h: CodedHit) => KIND_SETS.find(([, vs]) => ctx.matcher.inValueSet(vs, h.coding))?.[0];
    const codedItem = (h: CodedHit, basis: TeratogenExposureItem['basis']): TeratogenExposureItem => {
      const kind = kindOf(h);
      return { ...evidenceItem(h.reference, { date: h.date, code: h.coding, text: h.text }), basis, ...(kind ? { kind } : {}) };
    };
    const raw: CodedHit[] = [];
    for (const h of coded.hits) {
      if (!ctx.matcher.inValueSet('suspected-fetal-damage', h.coding)) raw.push(h);
      else if (h.date && h.date.last < scopeStart) continue;
      else if (h.date && h.date.first < scopeStart)
        unusable.push({ reference: h.reference, reason: 'partial date: cannot tell whether it is this pregnancy' });
      else items.push(codedItem(h, 'coded-concern'));
    }
    let window: { windowStart: string; windowEnd: string } | undefined;
    if (!facts.lmp) {
      const meds = teratogenMedications(ctx, firstDay, now.today, policy.TERATOGEN_WASHOUT_DAYS);
      for (const r of [...raw, ...meds.hits, ...meds.unusable]) unusable.push({ reference: r.reference, reason: NO_LMP });
    } else {
      window = { windowStart: facts.lmp, windowEnd: addDays(facts.lmp, policy.FIRST_TRIMESTER_LAST_DAY) };
      const [ws, we] = [toDayNumber(window.windowStart)!, toDayNumber(window.windowEnd)!];
      for (const h of raw) {
        if (!h.date) unusable.push({ reference: h.reference, reason: 'undated exposure' });
        else if (h.date.last < ws || h.date.first > we) continue;
        else if (h.date.first < ws || h.date.last > we)
          unusable.push({ reference: h.reference, reason: 'partial date: cannot tell whether it is in the first trimester' });
        else items.push(codedItem(h, 'first-trimester'));
      }
      const meds = teratogenMedications(ctx, window.windowStart, window.windowEnd, policy.TERATOGEN_WASHOUT_DAYS);
      unusable.push(...meds.unusable);
      items.push(...meds.hits.map(medicationItem));
    }
    if (items.length === 0) return notFiredOrInsufficient(unusable);
    const kinds = [...new Set(items.map((i) => i.kind).filter((k): k is Kind => k !== undefined))];
    const params: TeratogenExposureParams = { kinds, ...window, items };
    return fired('teratogen-exposure', CITATION, params);
  },
};
