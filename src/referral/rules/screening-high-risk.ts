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
  const call = labCall(o, ctx);
  if (call?.call === 'high') return { ...base, decidedBy: 'interpretation', interpretation: call.code, item: item() };
  if (call?.call === 'low') return 'not-high';
  const cutoff = spec.cutoff?.(policy);
  if (spec.numeric === 'risk' && cutoff !== undefined) {
    const n = riskN(o);
    if (!n.ok) return { reference: ev.reference, reason: n.reason };
    return n.value <= cutoff ? { ...base, decidedBy: 'cutoff', riskN: n.value, cutoffN: cutoff, item: item(n.value, '1/N') } : 'not-high';
  }
  if (spec.numeric === 'mom' && cutoff !== undefined) {
    const m = momValue(o);
    if (!m.ok) return { reference: ev.reference, reason: m.reason };
    return m.value >= cutoff ? { ...base, decidedBy: 'cutoff', mom: m.value, item: item(m.value, 'MoM') } : 'not-high';
  }
  if (spec.numeric === 'positive') {
    const pos = valueConcepts(o).find((c) => ctx.matcher.inValueSet('positive-result', c));
    if (pos)
      return {
        ...base,
        decidedBy: 'interpretation',
        interpretation: ctx.matcher.matchingCoding('positive-result', pos)?.code ?? 'POS',
        item: item(),
      };
    return o.valueCodeableConcept ? 'not-high' : { reference: ev.reference, reason: 'no coded result' };
  }
  return { reference: ev.reference, reason: 'result without a high/low-risk interpretation' };
}

/**
 * `screening-high-risk` — a high-risk prenatal screening result of this pregnancy. ZJ-2023 Art.9,
 * Art.23 (screening high risk → prenatal diagnosis); PDM Art.16.
 *
 * For each screening element (T21, T18, T13 risk; AFP MoM; NTD screening 48803-1; NIPT) the latest
 * usable result of this pregnancy decides: the lab interpretation first (see labCall), else the
 * number — risk ≥ 1/SERUM_Tnn_CUTOFF (N ≤ cut-off), AFP MoM ≥ NTD_AFP_MOM_MIN, 48803-1 coded
 * positive. Several high-risk tests: one finding whose params describe the most recent one (ties in
 * the order T21, T18, T13, NTD, NIPT); `items` lists all of them. A latest result that cannot be read
 * (e.g. "1:abc", an integer risk) is reported: insufficient-data when nothing fires.
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
