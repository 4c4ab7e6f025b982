import type { CodeableConcept, Observation, ObservationComponent } from '@medplum/fhirtypes';
import type { ValueSetMatcher } from '../value-sets/matcher.js';
import { codes, componentCodes, type Concepts } from './concepts.js';
import type { ObservationEvidence } from './observations.js';
import type { Normalised } from './units.js';

/**
 * Per-fetus measurements (docs/rules.md#per-fetus). In a multiple pregnancy an EHR sends one
 * Observation per fetus — the fetus named by `focus` (a reference to the fetus, or its display) or
 * by `bodySite` ("胎儿A", "Fetus B", "twin 2") — or one Observation whose components carry the
 * value of each fetus (component code in the element's value set, the fetus named by the
 * component's code text or display, else by its position: A, B, …).
 *
 * The fetus is returned as the record names it: a designation ("A", "B", "2") when one can be read
 * after a fetus word (胎儿 / 胎 / fetus / foetus / twin), else the focus display or reference as
 * written (patient-derived). A bodySite or component text without a fetus word names no fetus.
 */
export interface FetalReading {
  readonly evidence: ObservationEvidence;
  /** The fetus, when the record says which (patient-derived). */
  readonly fetus?: string;
  readonly value: Normalised;
}

/** "胎儿A", "胎 B", "fetus-a", "Twin 2", "胎儿乙" → "A", "B", "A", "2", "乙". */
const FETUS_ID = /(?:胎儿|胎|fetus|foetus|twin)[\s_\-#:：]*([a-z]|\d{1,2}|[一二三四甲乙丙丁])(?![a-z])/iu;

const str = (s: unknown): string | undefined => (typeof s === 'string' && s.trim() !== '' ? s.trim() : undefined);

/** The designation after a fetus word, upper-cased; `undefined` when the text names no fetus. */
export function fetusDesignation(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const m = FETUS_ID.exec(text.normalize('NFKC'));
  return m ? m[1]!.toUpperCase() : undefined;
}

/** Whether a fetus label is a designation ("A", "2", "乙") rather than text as written (safe to put in a reason). */
export function isFetusDesignation(fetus: string): boolean {
  return /^(?:[A-Z]|\d{1,2}|[一二三四甲乙丙丁])$/u.test(fetus);
}

/** Texts of a concept: its text, then each coding's display. */
const conceptTexts = (c: CodeableConcept | undefined): string[] =>
  c && typeof c === 'object'
    ? [str(c.text), ...(Array.isArray(c.coding) ? c.coding.map((x) => str(x?.display)) : [])].filter((t) => t !== undefined)
    : [];

/** The fetus an Observation names in `focus` or `bodySite`, if any. */
export function fetusOf(o: Observation): string | undefined {
  const focus = Array.isArray(o.focus) ? o.focus : [];
  for (const f of focus) {
    const display = str(f?.display);
    const reference = str(f?.reference);
    const named = fetusDesignation(display) ?? fetusDesignation(reference);
    if (named) return named;
    if (display ?? reference) return display ?? reference;
  }
  for (const t of conceptTexts(o.bodySite)) {
    const named = fetusDesignation(t);
    if (named) return named;
  }
  return undefined;
}

function componentFetus(c: ObservationComponent, position: number, count: number): string | undefined {
  for (const t of conceptTexts(c.code)) {
    const named = fetusDesignation(t);
    if (named) return named;
  }
  return count > 1 ? String.fromCharCode(65 + position) : undefined;
}

/** Whether the Observation's code, or one of its components' codes, is in the value set. */
/** Where an Observation names what it measures: its code, or a component's (`selectObservations`' match; one array, memoised). */
export const MEASURE_CONCEPTS: readonly Concepts<Observation>[] = Object.freeze([codes, componentCodes]);

/**
 * The readings of one Observation of a data element: one per matching component (each with its
 * fetus), and the Observation's own value when its code is in the value set and it carries one.
 * `read` normalises a value (its `valueQuantity` / `valueString`).
 */
export function fetalReadings(
  matcher: ValueSetMatcher,
  valueSetId: string,
  ev: ObservationEvidence,
  read: (v: Pick<Observation, 'valueQuantity' | 'valueString'>) => Normalised,
  hasValue: (o: Observation) => boolean,
): FetalReading[] {
  const o = ev.resource;
  const own = fetusOf(o);
  const parts = (Array.isArray(o.component) ? o.component : []).filter(
    (c): c is ObservationComponent => !!c && typeof c === 'object' && conceptIn(matcher, valueSetId, c.code),
  );
  const out: FetalReading[] = parts
    .filter((c) => c.dataAbsentReason === undefined && (c.valueQuantity !== undefined || c.valueString !== undefined))
    .map((c) => {
      const fetus = componentFetus(c, parts.indexOf(c), parts.length) ?? own;
      return { evidence: ev, ...(fetus ? { fetus } : {}), value: read(c) };
    });
  if (codes(o).some((c) => matcher.inValueSet(valueSetId, c)) && hasValue(o))
    out.push({ evidence: ev, ...(own ? { fetus: own } : {}), value: read(o) });
  return out;
}

function conceptIn(matcher: ValueSetMatcher, valueSetId: string, c: unknown): boolean {
  return !!c && typeof c === 'object' && !Array.isArray(c) && matcher.inValueSet(valueSetId, c as CodeableConcept);
}
