import type { Observation } from '@medplum/fhirtypes';
import type { ReadContext, Unusable } from '../../clinical/data-elements/context.js';
import { valueConcepts } from '../../clinical/data-elements/concepts.js';
import { evidenceItem } from '../../clinical/data-elements/items.js';
import { hasNoValue, selectObservations, type ObservationEvidence } from '../../clinical/data-elements/observations.js';
import { momValue, riskN } from '../../clinical/data-elements/risk.js';
import type { EvidenceItem, PregnancyFacts, ScreeningHighRiskParams } from '../../clinical/finding-params.js';
import type { Policy } from '../../clinical/policy.js';
import type { Rule } from '../../engine/rule.js';
import { fired, notFiredOrInsufficient, NOT_PREGNANT, pregnancyContext, REFERRAL_SERVICES, RULE_VERSION } from './common.js';
import { labCall } from './screening-interpretation.js';

const CITATION = { zj: 'ZJ-2023 Art.9, Art.23', national: 'PDM Art.16' } as const;

type Test = ScreeningHighRiskParams['test'];
type Numeric = 'risk' | 'mom' | 'positive' | 'none';
type Decision = Omit<ScreeningHighRiskParams, 'items'> & { readonly item: EvidenceItem; readonly day: number };

const ELEMENTS: readonly { element: string; test: Test; numeric: Numeric; cutoff?: (p: Policy) => number }[] = [
  { element: 'screening-t21', test: 't21', numeric: 'risk', cutoff: (p) => p.SERUM_T21_CUTOFF },
  { element: 'screening-t18', test: 't18', numeric: 'risk', cutoff: (p) => p.SERUM_T18_CUTOFF },
  { element: 'screening-t13', test: 't13', numeric: 'risk', cutoff: (p) => p.SERUM_T13_CUTOFF },
  { element: 'afp-mom', test: 'ntd', numeric: 'mom', cutoff: (p) => p.NTD_AFP_MOM_MIN },
  { element: 'ntd-screening', test: 'ntd', numeric: 'positive' },
  { element: 'screening-nipt', test: 'nipt', numeric: 'none' },
];

/** The number of a result against its cut-off: risk 1/N (N ≤ cut-off is high) or AFP MoM (≥ cut-off). */
interface Reading {
  readonly high: boolean;
  readonly params: Pick<ScreeningHighRiskParams, 'riskN' | 'cutoffN' | 'mom'>;
  readonly value: number;
  readonly unit: string;
  /** For the reason of a disagreement, e.g. "risk 1/100 (cut-off 1/270)". */
  readonly says: string;
}

function reading(o: Observation, spec: (typeof ELEMENTS)[number], policy: Policy): Reading | Unusable['reason'] | undefined {
  const cutoff = spec.cutoff?.(policy);
  if (cutoff === undefined) return undefined;
  if (spec.numeric === 'risk') {
    const n = riskN(o);
    if (!n.ok) return n.reason;
    const says = `risk 1/${formatN(n.value)} (cut-off 1/${formatN(cutoff)})`;
    return { high: n.value <= cutoff, params: { riskN: n.value, cutoffN: cutoff }, value: n.value, unit: '1/N', says };
  }
  if (spec.numeric === 'mom') {
    const m = momValue(o);
    if (!m.ok) return m.reason;
    return {
      high: m.value >= cutoff,
      params: { mom: m.value },
      value: m.value,
      unit: 'MoM',
      says: `AFP MoM ${m.value} (cut-off ${cutoff})`,
    };
  }
  return undefined;
}

const formatN = (n: number): string => String(Math.round(n * 10) / 10);

/**
 * One result: the lab's call and the number must agree (docs/rules.md#screening-high-risk). A call
 * with no readable number decides alone; a number with no call is compared with the cut-off; a
 * call and a number that disagree (N with 1/100, H with 1/5000, 临界风险 with 1/100), or a lab
 * record that contradicts itself, cannot be decided: "lab call and value disagree".
 */
function decide(
  ev: ObservationEvidence,
  spec: (typeof ELEMENTS)[number],
  ctx: ReadContext,
  policy: Policy,
): Decision | 'not-high' | Unusable {
  const o: Observation = ev.resource;
  const base = { day: ev.date?.last ?? 0, test: spec.test };
  const item = (value?: number, unit?: string) =>
    evidenceItem(ev.reference, { date: ev.date, code: o.code?.coding?.[0], value, unit, text: o.valueString });
  const unusable = (reason: string): Unusable => ({ reference: ev.reference, reason });
  const call = labCall(o, ctx);
  if (call?.call === 'conflict') return unusable(`lab call and value disagree: ${call.reason}`);
  const number = reading(o, spec, policy);
  if (call) {
    const callHigh = call.call === 'high';
    if (typeof number === 'object' && number.high !== callHigh) {
      const said = call.source === 'code' ? `code ${call.code}` : 'text';
      return unusable(`lab call and value disagree: the lab calls it ${call.call} risk (${said}), the value is ${number.says}`);
    }
    if (!callHigh) return 'not-high';
    const n = typeof number === 'object' ? number : undefined;
    return { ...base, decidedBy: 'interpretation', interpretation: call.code, ...n?.params, item: item(n?.value, n?.unit) };
  }
  if (typeof number === 'string') return unusable(number);
  if (number) return number.high ? { ...base, decidedBy: 'cutoff', ...number.params, item: item(number.value, number.unit) } : 'not-high';
  if (spec.numeric === 'positive') {
    const pos = valueConcepts(o).find((c) => ctx.matcher.inValueSet('positive-result', c));
    if (pos)
      return {
        ...base,
        decidedBy: 'interpretation',
        interpretation: ctx.matcher.matchingCoding('positive-result', pos)?.code ?? 'POS',
        item: item(),
      };
    return o.valueCodeableConcept ? 'not-high' : unusable('no coded result');
  }
  return unusable('result without a high/low-risk interpretation');
}

/**
 * `screening-high-risk` — a high-risk prenatal screening result of this pregnancy. ZJ-2023 Art.9,
 * Art.23 (screening high risk → prenatal diagnosis); PDM Art.16.
 *
 * For each screening element (T21, T18, T13 risk; AFP MoM; NTD screening 48803-1; NIPT) the latest
 * usable result of this pregnancy decides: the lab's call (docs/rules.md#lab-call: codes first, then
 * negation-aware wording — 非高风险 and "not high risk" are not high) and the number — risk ≥
 * 1/SERUM_Tnn_CUTOFF (N ≤ cut-off, any form of docs/rules.md#risks), AFP MoM ≥ NTD_AFP_MOM_MIN —
 * must agree (see decide); 48803-1 coded positive; an NIPT result called high risk / positive.
 * Several high-risk tests: one finding whose params describe the most recent one (ties in the order
 * T21, T18, T13, NTD, NIPT); `items` lists all of them. A latest result that cannot be read (e.g.
 * "1:abc") or whose call and number disagree is reported: insufficient-data when nothing fires.
 */
export const screeningHighRiskRule: Rule<PregnancyFacts> = {
  id: 'screening-high-risk',
  version: RULE_VERSION,
  title: { 'zh-CN': '产前筛查结果为高风险', en: 'High-risk prenatal screening result' },
  citation: CITATION,
  services: REFERRAL_SERVICES,
  inputs: ['screening-t21', 'screening-t18', 'screening-t13', 'afp-mom', 'ntd-screening', 'screening-nipt', 'high-risk-interpretation'],
  evaluate(input) {
    if (!input.facts.current) return NOT_PREGNANT;
    const ctx = pregnancyContext(input);
    const high: Decision[] = [];
    const unusable: Unusable[] = [];
    for (const spec of ELEMENTS) {
      const sel = selectObservations(ctx, spec.element, true);
      unusable.push(...sel.unusable);
      const latest = sel.usable.find((ev) => !hasNoValue(ev.resource) || (ev.resource.interpretation?.length ?? 0) > 0);
      if (!latest) continue;
      const d = decide(latest, spec, ctx, input.policy);
      if (d === 'not-high') continue;
      if ('reason' in d) unusable.push(d);
      else high.push(d);
    }
    if (high.length === 0) return notFiredOrInsufficient(unusable);
    const primary = high.reduce((a, b) => (b.day > a.day ? b : a));
    const { item: _item, day: _day, ...decision } = primary;
    const items = [primary.item, ...high.filter((h) => h !== primary).map((h) => h.item)];
    const params: ScreeningHighRiskParams = { ...decision, items };
    return fired('screening-high-risk', CITATION, params);
  },
};
