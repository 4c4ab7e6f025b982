import { z } from 'zod';
import type { IssueDetail } from '../errors/app-error.js';
import { CASE_STATUSES, GROUP_BYS } from './compliance-types.js';
import { checkPeriod, parseQcQuery, periodMembers } from './period-query.js';

export { DEFAULT_LIMIT, MAX_LIMIT, MAX_RANGE_DAYS } from './period-query.js';

/**
 * Query of `GET /qc/notification-compliance` (docs/design.md#qc). Unknown parameters are refused
 * (a typo must not silently widen a report). `status` filters and `limit`/`offset` page the case
 * list only; rows and total always cover every case of the period (and institution).
 */
export const complianceQuerySchema = z
  .strictObject({
    ...periodMembers,
    groupBy: z.enum(GROUP_BYS).default('institution'),
    status: z.enum(CASE_STATUSES).optional(),
    section: z.enum(['cases', 'rows']).optional(),
  })
  .superRefine(checkPeriod);

export type ComplianceQuery = z.infer<typeof complianceQuerySchema>;

/** Parses the query string object; issues carry the parameter name as path. */
export function parseComplianceQuery(query: unknown): { ok: true; value: ComplianceQuery } | { ok: false; issues: IssueDetail[] } {
  return parseQcQuery(complianceQuerySchema, query);
}
