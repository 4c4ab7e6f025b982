import { z } from 'zod';
import { issuesToDetails } from '../cds-hooks/zod-issues.js';
import type { IssueDetail } from '../errors/app-error.js';
import { toDayNumber } from '../calendar/index.js';
import { MAX_LIMIT, MAX_RANGE_DAYS } from './compliance-query.js';
import { DATA_QUALITY_GROUP_BYS, DATA_QUALITY_KINDS } from './data-quality.js';

const day = z.string().refine((d) => toDayNumber(d) !== undefined, { message: 'expected a calendar date YYYY-MM-DD' });
const count = (max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'expected a non-negative integer')
    .transform(Number)
    .pipe(z.number().max(max));

/**
 * Query of `GET /qc/data-quality` (docs/design.md#data-quality), like the compliance query: unknown
 * parameters are refused; `kind` filters and `limit`/`offset` page the item list only — rows and
 * total always count every item of the period (and institution).
 */
export const dataQualityQuerySchema = z
  .strictObject({
    from: day,
    to: day,
    groupBy: z.enum(DATA_QUALITY_GROUP_BYS).default('institution'),
    institution: z.string().min(1).max(64).optional(),
    kind: z.enum(DATA_QUALITY_KINDS).optional(),
    limit: count(MAX_LIMIT).optional(),
    offset: count(1e9).optional(),
    format: z.enum(['json', 'csv']).optional(),
    section: z.enum(['items', 'rows']).optional(),
  })
  .superRefine((q, ctx) => {
    const span = (toDayNumber(q.to) ?? NaN) - (toDayNumber(q.from) ?? NaN);
    if (span < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: '"to" is before "from"' });
    else if (span >= MAX_RANGE_DAYS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `the period is longer than ${MAX_RANGE_DAYS} days` });
  });

export type DataQualityQuery = z.infer<typeof dataQualityQuerySchema>;

/** Parses the query string object; issues carry the parameter name as path. */
export function parseDataQualityQuery(query: unknown): { ok: true; value: DataQualityQuery } | { ok: false; issues: IssueDetail[] } {
  const r = dataQualityQuerySchema.safeParse(query ?? {});
  return r.success ? { ok: true, value: r.data } : { ok: false, issues: issuesToDetails(r.error.issues) };
}
