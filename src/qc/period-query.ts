import { z } from 'zod';
import { issuesToDetails } from '../cds-hooks/zod-issues.js';
import type { IssueDetail } from '../errors/app-error.js';
import { toDayNumber } from '../calendar/index.js';

/**
 * What every QC report query has (docs/design.md#qc): a period of clinic calendar days, an optional
 * institution, paging of the case/item list and the format. Each report adds its own members to
 * {@link periodMembers} in a strict object (unknown parameters are refused: a typo must not silently
 * widen a report) and refines it with {@link checkPeriod}.
 */

/** Longest period one report covers (about three years). */
export const MAX_RANGE_DAYS = 3 * 366;
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

const day = z.string().refine((d) => toDayNumber(d) !== undefined, { message: 'expected a calendar date YYYY-MM-DD' });
const count = (max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'expected a non-negative integer')
    .transform(Number)
    .pipe(z.number().max(max));

export const periodMembers = {
  from: day,
  to: day,
  institution: z.string().min(1).max(64).optional(),
  limit: count(MAX_LIMIT).optional(),
  offset: count(1e9).optional(),
  format: z.enum(['json', 'csv']).optional(),
};

/** `to` not before `from`, and the period no longer than {@link MAX_RANGE_DAYS}. */
export function checkPeriod(q: { readonly from: string; readonly to: string }, ctx: z.RefinementCtx): void {
  const span = (toDayNumber(q.to) ?? NaN) - (toDayNumber(q.from) ?? NaN);
  if (span < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: '"to" is before "from"' });
  else if (span >= MAX_RANGE_DAYS)
    ctx.addIssue({ code: 'custom', path: ['to'], message: `the period is longer than ${MAX_RANGE_DAYS} days` });
}

/** Parses a query string object with `schema`; issues carry the parameter name as path. */
export function parseQcQuery<T>(schema: z.ZodType<T>, query: unknown): { ok: true; value: T } | { ok: false; issues: IssueDetail[] } {
  const r = schema.safeParse(query ?? {});
  return r.success ? { ok: true, value: r.data } : { ok: false, issues: issuesToDetails(r.error.issues) };
}
