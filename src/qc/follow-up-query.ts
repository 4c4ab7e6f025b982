import { z } from 'zod';
import type { IssueDetail } from '../errors/app-error.js';
import { FOLLOW_UP_GROUP_BYS, FOLLOW_UP_SECTIONS } from './follow-up-types.js';
import { checkPeriod, parseQcQuery, periodMembers } from './period-query.js';

/**
 * Query of `GET /qc/follow-up` (docs/design.md#follow-up), like the other QC reports: unknown
 * parameters are refused; `limit`/`offset` page the `undiagnosed` and `nipt` lists (each on its own,
 * totals in `X-Total-Count` as `undiagnosed=…, nipt=…`); rows and total always count every pregnancy
 * of the period (and institution). CSV: `section=rows` (default), `undiagnosed` or `nipt`.
 */
export const followUpQuerySchema = z
  .strictObject({
    ...periodMembers,
    groupBy: z.enum(FOLLOW_UP_GROUP_BYS).default('institution'),
    section: z.enum(FOLLOW_UP_SECTIONS).optional(),
  })
  .superRefine(checkPeriod);

export type FollowUpQuery = z.infer<typeof followUpQuerySchema>;

/** Parses the query string object; issues carry the parameter name as path. */
export function parseFollowUpQuery(query: unknown): { ok: true; value: FollowUpQuery } | { ok: false; issues: IssueDetail[] } {
  return parseQcQuery(followUpQuerySchema, query);
}
