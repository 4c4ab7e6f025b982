import type { FollowUpEvent, FollowUpKind } from '../clinical/data-elements/follow-up-events.js';
import { childRows, type CallContext } from './audit-queries.js';
import type { PeriodQuery } from './records.js';
import { compact } from './row-values.js';
import type { Sql } from './sql.js';

/** A follow-up event a hook call observed (docs/design.md#follow-up), with its call's context. */
export type FollowUpRow = FollowUpEvent & CallContext;

/** Follow-up events of the hook calls received in the period (oldest call first), each with its call's context. */
export function listFollowUpEvents(sql: Sql, q: PeriodQuery): Promise<FollowUpRow[]> {
  return eventRows(sql, q);
}

/**
 * The follow-up events the funnel's facts are computed from (docs/design.md#qc-summary): of the
 * events equal in everything the funnel reads — the call's EHR, institution, pregnancy key
 * and EDD, and the event itself — only the first. Every call that opens her chart observes her
 * procedures and results again; the funnel counts a record once per pregnancy, keeps the first it
 * meets and the earliest day per kind, so a later equal row changes nothing, and its call is still
 * a sighting (src/store/pregnancy-sightings.ts).
 */
export function listDistinctFollowUpEvents(sql: Sql, q: PeriodQuery): Promise<FollowUpRow[]> {
  return eventRows(
    sql,
    q,
    `h.patient_id, h.issuer, h.tenant, h.institution_id, h.pregnancy_key, h.edd, x.kind, x.reference, x.occurred, x.occurred_day,
     x.code, x.detail, x.institution_id`,
  );
}

function eventRows(sql: Sql, q: PeriodQuery, firstOf?: string): Promise<FollowUpRow[]> {
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
    firstOf === undefined ? {} : { firstOf },
  );
}
