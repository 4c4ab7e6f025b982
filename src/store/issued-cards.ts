import type { IssuedCardsQuery } from './records.js';
import { json } from './row-values.js';
import type { Sql } from './sql.js';

/**
 * Which of `q.uuids` name a card that service `q.serviceId` answered to the EHR `q.issuer` (and
 * `q.tenant`, none matching none) — the feedback a call may leave (docs/design.md#audit). One
 * statement, the same SQL on both engines: the cards by the `card_uuid` index, then each one's call
 * by its primary key. The lateral subquery (`OFFSET 0` keeps it one) holds that order whatever the
 * planner's statistics: the embedded store has none (docs/design.md#planner-statistics), and as a
 * plain join it scanned every hook call to find the few of this service and EHR (220 ms at 47,211
 * calls; 0.5 ms this way).
 */
export async function issuedCards(sql: Sql, q: IssuedCardsQuery): Promise<ReadonlySet<string>> {
  if (q.uuids.length === 0) return new Set();
  const rows = await sql.query<{ uuid: string }>(
    `SELECT DISTINCT c.uuid FROM card c
     CROSS JOIN LATERAL (SELECT 1 FROM hook_call h
       WHERE h.id = c.hook_call_id AND h.service_id = $2 AND h.issuer = $3 AND h.tenant IS NOT DISTINCT FROM $4::text
       OFFSET 0) answered
     WHERE c.uuid = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))`,
    [json([...new Set(q.uuids)]), q.serviceId, q.issuer, q.tenant ?? null],
  );
  return new Set(rows.map((r) => r.uuid));
}
