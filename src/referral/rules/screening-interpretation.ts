import type { Observation } from '@medplum/fhirtypes';
import type { ReadContext } from '../../clinical/data-elements/context.js';
import { interpretations, valueConcepts } from '../../clinical/data-elements/concepts.js';

/** What the lab said, if anything: high risk (with the code/text that said it), low risk, or nothing. */
export type LabCall = { readonly call: 'high'; readonly code: string } | { readonly call: 'low' } | undefined;

const HIGH_TEXT = /高风险|high[\s-]*risk/i;
const LOW_TEXT = /低风险|low[\s-]*risk/i;

/**
 * Interpretation first (docs/rules.md#screening-high-risk): Observation.interpretation in `high-risk-interpretation` (v3 H,
 * HH, A, AA, POS; local `high-risk`) or whose text says 高风险 → high; in `low-risk-interpretation`
 * (v3 N, NEG, ND) or text 低风险 → low (a lab's "normal" beats a number that would cross the
 * cut-off — documented decision). A coded value (valueCodeableConcept) or a valueString that says
 * high/low risk counts the same way (NIPT reports are often written so). Anything else → no call:
 * the numeric cut-off decides.
 */
export function labCall(o: Observation, ctx: ReadContext): LabCall {
  const concepts = [...interpretations(o), ...valueConcepts(o)];
  for (const c of concepts) {
    const high = ctx.matcher.matchingCoding('high-risk-interpretation', c);
    if (high) return { call: 'high', code: high.code ?? '' };
    if (typeof c.text === 'string' && HIGH_TEXT.test(c.text) && !LOW_TEXT.test(c.text)) return { call: 'high', code: c.text };
  }
  if (typeof o.valueString === 'string' && HIGH_TEXT.test(o.valueString) && !LOW_TEXT.test(o.valueString))
    return { call: 'high', code: o.valueString };
  for (const c of concepts) {
    if (ctx.matcher.inValueSet('low-risk-interpretation', c)) return { call: 'low' };
    if (typeof c.text === 'string' && LOW_TEXT.test(c.text)) return { call: 'low' };
  }
  if (typeof o.valueString === 'string' && LOW_TEXT.test(o.valueString)) return { call: 'low' };
  return undefined;
}
