import { z } from 'zod';
import { issuesToDetails } from '../cds-hooks/zod-issues.js';
import type { IssueDetail } from '../errors/app-error.js';
import { toDayNumber } from '../calendar/index.js';
import { CASE_STATUSES, GROUP_BYS } from './compliance-types.js';

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

/**
 * Query of `GET /qc/notification-compliance` (docs/design.md#qc). Unknown parameters are refused
 * (a typo must not silently widen a report). `status` filters and `limit`/`offset` page the case
 * list only; rows and total always cover every case of the period (and institution).
 */
export const complianceQuerySchema = z
  .strictObject({
    from: day,
    to: day,
    groupBy: z.enum(GROUP_BYS).default('institution'),
    institution: z.string().min(1).max(64).optional(),
    status: z.enum(CASE_STATUSES).optional(),
    limit: count(MAX_LIMIT).optional(),
    offset: count(1e9).optional(),
    format: z.enum(['json', 'csv']).optional(),
    section: z.enum(['cases', 'rows']).optional(),
  })
  .superRefine((q, ctx) => {
    const span = (toDayNumber(q.to) ?? NaN) - (toDayNumber(q.from) ?? NaN);
    if (span < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: '"to" is before "from"' });
    else if (span >= MAX_RANGE_DAYS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `the period is longer than ${MAX_RANGE_DAYS} days` });
  });

export type ComplianceQuery = z.infer<typeof complianceQuerySchema>;

/** Parses the query string object; issues carry the parameter name as path. */
export function parseComplianceQuery(query: unknown): { ok: true; value: ComplianceQuery } | { ok: false; issues: IssueDetail[] } {
  const r = complianceQuerySchema.safeParse(query ?? {});
  return r.success ? { ok: true, value: r.data } : { ok: false, issues: issuesToDetails(r.error.issues) };
}
