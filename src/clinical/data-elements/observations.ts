import type { Observation } from '@medplum/fhirtypes';
import type { ClinicalDate } from '../../calendar/index.js';
import type { ReadContext, Unusable } from './context.js';
import { codes, type Concepts } from './concepts.js';
import { codedIn } from './memo.js';
import { issuedMs, observationDate } from './resource-dates.js';
import { place } from './scope.js';
import { isAboutPatient, refOf } from './subject.js';

/** A usable Observation of a data element, with its clinical date. */
export interface ObservationEvidence {
  readonly resource: Observation;
  readonly reference: string;
  readonly date?: ClinicalDate;
}

export interface ObservationSelection {
  /** Usable observations, most recent first (effective date, then `issued`). */
  readonly usable: readonly ObservationEvidence[];
  readonly unusable: readonly Unusable[];
}

const FINAL = new Set(['final', 'amended', 'corrected']);
const CODE = [codes] as const;

/** Most recent first: by last possible day, then first day, then `issued`; undated last. */
export function byRecency(a: { date?: ClinicalDate; resource: { issued?: string } }, b: typeof a): number {
  const da = a.date;
  const db = b.date;
  if (da && db && da.last !== db.last) return db.last - da.last;
  if (da && db && da.first !== db.first) return db.first - da.first;
  if (da && !db) return -1;
  if (!da && db) return 1;
  return issuedMs(b.resource) - issuedMs(a.resource);
}

/**
 * Observations whose code is in the element's value set, usable per docs/rules.md#usable-evidence: status
 * final|amended|corrected, or `preliminary` only when no final one exists for the element;
 * entered-in-error, cancelled, registered and unknown are never evidence. `scoped` elements are
 * pregnancy-specific: evidence before the current pregnancy is ignored (see scope.ts).
 * `match` may widen the match: other concepts of the Observation in the value set (a module-level
 * array of accessors, e.g. code or component code: memoised like the default), or a predicate.
 */
export function selectObservations(
  ctx: ReadContext,
  valueSetId: string,
  scoped: boolean,
  match?: ((o: Observation) => boolean) | readonly Concepts<Observation>[],
): ObservationSelection {
  const finals: ObservationEvidence[] = [];
  const prelims: ObservationEvidence[] = [];
  const unusable: Unusable[] = [];
  const all = ctx.snapshot.ofType('Observation');
  // A match by concepts (the code by default): only the memoised candidates of the element are read.
  const candidates = typeof match === 'function' ? all.filter(match) : codedIn(ctx.matcher, valueSetId, match ?? CODE, all);
  for (const o of candidates) {
    if (!isAboutPatient(o, ctx.snapshot.patientId)) continue;
    const isFinal = FINAL.has(o.status);
    if (!isFinal && o.status !== 'preliminary') continue;
    const p = place(observationDate(o, ctx.timeZone), ctx, scoped);
    if (p.kind === 'previous') continue;
    if (p.kind === 'unusable') {
      unusable.push({ reference: refOf(o), reason: p.reason });
      continue;
    }
    const ev: ObservationEvidence = { resource: o, reference: refOf(o), ...(p.date ? { date: p.date } : {}) };
    (isFinal ? finals : prelims).push(ev);
  }
  const usable = (finals.length > 0 ? finals : prelims).sort(byRecency);
  return { usable, unusable };
}

/** Whether the observation carries no value (dataAbsentReason, or no value[x] at all). */
export function hasNoValue(o: Observation): boolean {
  if (o.dataAbsentReason) return true;
  return !Object.keys(o).some((k) => k.startsWith('value'));
}
