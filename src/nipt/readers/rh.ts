import type { ReadContext, Unusable } from '../../clinical/data-elements/context.js';
import { valueConcepts } from '../../clinical/data-elements/concepts.js';
import { hasNoValue, selectObservations, type ObservationEvidence } from '../../clinical/data-elements/observations.js';

/** What the latest Rh typing says. */
export type RhCall =
  | { readonly call: 'negative' | 'positive'; readonly evidence: ObservationEvidence }
  | { readonly call: 'unknown'; readonly unusable: readonly Unusable[] };

const NEGATIVE_TEXT = /阴性|negative|\bneg\b|rh\s*\(?d?\)?\s*-|^-$/i;
const POSITIVE_TEXT = /阳性|positive|\bpos\b|rh\s*\(?d?\)?\s*\+|^\+$/i;

/**
 * The latest usable Rh typing (LOINC 10331-7, value set `rh-type`; any date — Rh type does not
 * change): negative when its coded value is in `rh-negative` (SNOMED 165747007) or `finding-absent`
 * (SNOMED 260385009 negative, v3 NEG), or its text says negative (阴性); positive when the value
 * says positive (阳性 / positive / v3 POS / `positive-result`); otherwise unusable.
 */
export function latestRh(ctx: ReadContext): RhCall {
  const sel = selectObservations(ctx, 'rh-type', false);
  for (const ev of sel.usable) {
    const o = ev.resource;
    if (hasNoValue(o)) continue;
    const concepts = valueConcepts(o);
    const texts = [
      o.valueString,
      ...concepts.map((c) => c.text),
      ...concepts.flatMap((c) => (c.coding ?? []).map((x) => x.display)),
    ].filter((t): t is string => typeof t === 'string');
    if (concepts.some((c) => ctx.matcher.inValueSet('rh-negative', c) || ctx.matcher.inValueSet('finding-absent', c)))
      return { call: 'negative', evidence: ev };
    if (concepts.some((c) => ctx.matcher.inValueSet('positive-result', c))) return { call: 'positive', evidence: ev };
    if (texts.some((t) => NEGATIVE_TEXT.test(t.trim()))) return { call: 'negative', evidence: ev };
    if (texts.some((t) => POSITIVE_TEXT.test(t.trim()))) return { call: 'positive', evidence: ev };
    return { call: 'unknown', unusable: [{ reference: ev.reference, reason: 'Rh result is neither negative nor positive' }] };
  }
  return { call: 'unknown', unusable: sel.unusable };
}
