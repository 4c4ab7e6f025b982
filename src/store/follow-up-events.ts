import type { FollowUpEvent, FollowUpKind } from '../clinical/data-elements/follow-up-events.js';
import { childRows, type CallContext } from './audit-queries.js';
import type { PeriodQuery } from './records.js';
import { compact } from './row-values.js';
import type { Sql } from './sql.js';

/** A follow-up event a hook call observed (docs/design.md#follow-up), with its call's context. */
export type FollowUpRow = FollowUpEvent & CallContext;

/** Follow-up events of the hook calls received in the period (oldest call first), each with its call's context. */
export function listFollowUpEvents(sql: Sql, q: PeriodQuery): Promise<FollowUpRow[]> {
  return childRows(
    sql,
    q,
    'follow_up_event',
    'x.kind, x.reference, x.occurred, x.occurred_day::text AS occurred_day, x.code, x.detail, x.institution_id AS performer_id',
    (r) =>
      compact({
        kind: r.kind as FollowUpKind,
        reference: r.reference as string,
        on: r.occurred as string,
        day: r.occurred_day as string,
        code: r.code as string | null,
        detail: r.detail as string | null,
        institution: r.performer_id as string | null,
      }),
  );
}
