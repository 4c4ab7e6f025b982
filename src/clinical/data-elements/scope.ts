import type { ClinicalDate } from '../../calendar/index.js';
import type { ReadContext } from './context.js';
import type { EvidenceDate } from './resource-dates.js';

/**
 * Where dated evidence of a pregnancy-specific element falls relative to the current pregnancy:
 * `current` (on/after its first day, not in the future), `previous` (wholly before: ignored),
 * or unusable with a reason (invalid, undated, in the future, or a partial date straddling the LMP).
 * Unscoped (history / dating) elements only need a valid date when one is written.
 */
export type Placement =
  | { readonly kind: 'current'; readonly date?: ClinicalDate }
  | { readonly kind: 'previous' }
  | { readonly kind: 'unusable'; readonly reason: string };

export function place(ed: EvidenceDate, ctx: ReadContext, scoped: boolean): Placement {
  if (ed.invalid) return { kind: 'unusable', reason: 'invalid date' };
  const d = ed.date;
  if (!d) return scoped ? { kind: 'unusable', reason: 'undated' } : { kind: 'current' };
  if (d.first > ctx.today) return { kind: 'unusable', reason: 'dated in the future' };
  if (!scoped || ctx.scopeStart === undefined) return { kind: 'current', date: d };
  if (d.last < ctx.scopeStart) return { kind: 'previous' };
  if (d.first < ctx.scopeStart) return { kind: 'unusable', reason: 'partial date: cannot tell whether it is this pregnancy' };
  return { kind: 'current', date: d };
}
