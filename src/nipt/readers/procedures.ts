import type { Coding, Procedure } from '@medplum/fhirtypes';
import type { ReadContext, Unusable } from '../../clinical/data-elements/context.js';
import { codes } from '../../clinical/data-elements/concepts.js';
import { isAboutPatient, refOf } from '../../clinical/data-elements/subject.js';
import { place } from '../../clinical/data-elements/scope.js';
import { parseFhirDate, type ClinicalDate } from '../../calendar/index.js';

/** A Procedure of a value set performed within the window. */
export interface ProcedureHit {
  readonly reference: string;
  readonly valueSet: string;
  readonly coding: Coding;
  readonly date: ClinicalDate;
  /** Whole days from the (latest possible) performed day to today. */
  readonly daysAgo: number;
  readonly text?: string;
}

/** Statuses that say the procedure did not happen (or the record is void). */
const NOT_PERFORMED = new Set(['preparation', 'not-done', 'entered-in-error']);

function performed(p: Procedure, timeZone: string): { date?: ClinicalDate; invalid: boolean } {
  const raw = p.performedDateTime ?? p.performedPeriod?.end ?? p.performedPeriod?.start;
  if (raw === undefined) return { invalid: false };
  const date = parseFhirDate(raw, timeZone);
  return date ? { date, invalid: false } : { invalid: true };
}

/**
 * Procedures of the patient in any of `valueSetIds` performed within the last `days` days
 * (inclusive: performed `days` days ago counts, `days + 1` does not). Performed date:
 * performedDateTime, else performedPeriod end (the last exposure), else its start. Statuses
 * preparation / not-done / entered-in-error are not evidence. Undated, invalid, future or partial
 * dates straddling the window edge are reported as unusable, never guessed.
 */
export function recentProcedures(
  ctx: ReadContext,
  valueSetIds: readonly string[],
  days: number,
): { hits: ProcedureHit[]; unusable: Unusable[] } {
  const hits: ProcedureHit[] = [];
  const unusable: Unusable[] = [];
  for (const p of ctx.snapshot.ofType('Procedure')) {
    if (!isAboutPatient(p, ctx.snapshot.patientId) || NOT_PERFORMED.has(p.status)) continue;
    let match: { valueSet: string; coding: Coding } | undefined;
    for (const vs of valueSetIds) {
      const coding = codes(p)
        .map((c) => ctx.matcher.matchingCoding(vs, c))
        .find((c) => c !== undefined);
      if (coding) {
        match = { valueSet: vs, coding };
        break;
      }
    }
    if (!match) continue;
    const { date, invalid } = performed(p, ctx.timeZone);
    const reference = refOf(p);
    if (invalid) unusable.push({ reference, reason: 'invalid performed date' });
    else if (!date) unusable.push({ reference, reason: 'no performed date' });
    else if (date.first > ctx.today) unusable.push({ reference, reason: 'performed in the future' });
    else if (ctx.today - date.first <= days) {
      hits.push({ reference, ...match, date, daysAgo: Math.max(0, ctx.today - date.last), ...(p.code?.text ? { text: p.code.text } : {}) });
    } else if (ctx.today - date.last <= days)
      unusable.push({ reference, reason: 'partial date: cannot tell whether it is within the window' });
  }
  return { hits: hits.sort((a, b) => a.daysAgo - b.daysAgo), unusable };
}

/** A coded Procedure (any date within scope). */
export type CodedProcedure = Omit<ProcedureHit, 'daysAgo' | 'date'> & { readonly date?: ClinicalDate };

/**
 * Procedures of the patient coded in `valueSetId` (not preparation/not-done/entered-in-error),
 * placed like other evidence (scope.ts): pregnancy-scoped when `scoped`.
 */
export function codedProcedures(ctx: ReadContext, valueSetId: string, scoped: boolean): { hits: CodedProcedure[]; unusable: Unusable[] } {
  const hits: CodedProcedure[] = [];
  const unusable: Unusable[] = [];
  for (const p of ctx.snapshot.ofType('Procedure')) {
    if (!isAboutPatient(p, ctx.snapshot.patientId) || NOT_PERFORMED.has(p.status)) continue;
    const coding = codes(p)
      .map((c) => ctx.matcher.matchingCoding(valueSetId, c))
      .find((c) => c !== undefined);
    if (!coding) continue;
    const pl = place(performed(p, ctx.timeZone), ctx, scoped);
    if (pl.kind === 'previous') continue;
    if (pl.kind === 'unusable') unusable.push({ reference: refOf(p), reason: pl.reason });
    else
      hits.push({
        reference: refOf(p),
        valueSet: valueSetId,
        coding,
        ...(pl.date ? { date: pl.date } : {}),
        ...(p.code?.text ? { text: p.code.text } : {}),
      });
  }
  return { hits, unusable };
}
