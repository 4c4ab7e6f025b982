import { z } from 'zod';
import type { IssueDetail } from '../errors/app-error.js';
import { DATA_QUALITY_GROUP_BYS, DATA_QUALITY_KINDS } from './data-quality.js';
import { checkPeriod, parseQcQuery, periodMembers } from './period-query.js';

/**
 * Query of `GET /qc/data-quality` (docs/design.md#data-quality), like the compliance query: unknown
 * parameters are refused; `kind` filters and `limit`/`offset` page the item list only — rows and
 * total always count every item of the period (and institution).
 */
export const dataQualityQuerySchema = z
  .strictObject({
    ...periodMembers,
    groupBy: z.enum(DATA_QUALITY_GROUP_BYS).default('institution'),
    kind: z.enum(DATA_QUALITY_KINDS).optional(),
    section: z.enum(['items', 'rows']).optional(),
  })
  .superRefine(checkPeriod);

export type DataQualityQuery = z.infer<typeof dataQualityQuerySchema>;

/** Parses the query string object; issues carry the parameter name as path. */
export function parseDataQualityQuery(query: unknown): { ok: true; value: DataQualityQuery } | { ok: false; issues: IssueDetail[] } {
  return parseQcQuery(dataQualityQuerySchema, query);
}
