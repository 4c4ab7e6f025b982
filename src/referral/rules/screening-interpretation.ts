import type { Observation } from '@medplum/fhirtypes';
import type { ReadContext } from '../../clinical/data-elements/context.js';
import { interpretations, valueConcepts } from '../../clinical/data-elements/concepts.js';
import { textCall, type TextCall } from '../../clinical/data-elements/result-text.js';

/**
 * What the lab said about a result: high, intermediate or low risk, with the code or text that said
 * it (`source` says which); `conflict` when the lab said both high and not high; `undefined` when it
 * said nothing.
 */
export type LabCall =
  | { readonly call: TextCall; readonly code: string; readonly source: 'code' | 'text' }
  | { readonly call: 'conflict'; readonly reason: string }
  | undefined;

const strings = (xs: readonly unknown[]): string[] => xs.filter((x): x is string => typeof x === 'string' && x.trim() !== '');

/** The call of several texts: high and not-high together conflict; else the highest (high > intermediate > low). */
function ofTexts(texts: readonly string[]): LabCall {
  const calls = texts.map((t) => [t, textCall(t)] as const).filter((c): c is readonly [string, TextCall] => c[1] !== undefined);
  if (calls.length === 0) return undefined;
  const high = calls.find((c) => c[1] === 'high');
  if (high && calls.some((c) => c[1] !== 'high')) return { call: 'conflict', reason: 'the lab texts disagree (high and not high risk)' };
  const pick = high ?? calls.find((c) => c[1] === 'intermediate') ?? calls[0]!;
  return { call: pick[1], code: pick[0], source: 'text' };
}

/**
 * The lab's call (docs/rules.md#lab-call), codes first: Observation.interpretation and a coded value
 * (valueCodeableConcept) in `high-risk-interpretation` (v3 H, HH, A, AA, POS; SNOMED 10828004
 * positive, 260373001 detected; local `high-risk`) → high, in `low-risk-interpretation` (v3 N, L,
 * NEG, ND; SNOMED 260385009 negative, 260415000 not detected) → low. Then the text, read with the
 * negation-aware vocabulary of result-text.ts: `valueString`, interpretation text, coded-value text
 * (and `note`, only when neither a code nor these texts say anything). A code and a text (or two codes, or two
 * texts) saying high and not high are a conflict: the lab record contradicts itself, and a rule
 * that needs the call cannot decide. A low code with an intermediate text is low (codes first).
 */
export function labCall(o: Observation, ctx: ReadContext): LabCall {
  const concepts = [...interpretations(o), ...valueConcepts(o)];
  let high: string | undefined;
  let low: string | undefined;
  for (const c of concepts) {
    const h = ctx.matcher.matchingCoding('high-risk-interpretation', c);
    if (h) high ??= h.code ?? '';
    else {
      const l = ctx.matcher.matchingCoding('low-risk-interpretation', c);
      if (l) low ??= l.code ?? '';
    }
  }
  if (high !== undefined && low !== undefined) return { call: 'conflict', reason: 'the lab interpretation codes disagree (high and low)' };
  const byText = ofTexts(strings([o.valueString, ...concepts.map((c) => c.text)]));
  const coded = high !== undefined ? 'high' : low !== undefined ? 'low' : undefined;
  if (coded === undefined) return byText ?? ofTexts(strings(Array.isArray(o.note) ? o.note.map((n) => n?.text) : []));
  if (byText?.call === 'conflict' || (byText && (byText.call === 'high') !== (coded === 'high')))
    return { call: 'conflict', reason: 'the lab interpretation code and text disagree' };
  return { call: coded, code: (high ?? low)!, source: 'code' };
}
