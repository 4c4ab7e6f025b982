import type { IssuedCardsQuery } from './records.js';
import { json } from './row-values.js';
import type { Sql } from './sql.js';

/**
 * Which of `q.uuids` name a card that service `q.serviceId` answered to the EHR `q.issuer` (and
 * `q.tenant`, none matching none) — the feedback a call may leave (docs/design.md#audit). One
 * statement through the `card_uuid` index; the same SQL on both engines.
 */
export async function issuedCards(sql: Sql, q: IssuedCardsQuery): Promise<ReadonlySet<string>> {
  if (q.uuids.length === 0) return new Set();
  const rows = await sql.query<{ uuid: string }>(
    `SELECT DISTINCT c.uuid FROM card c JOIN hook_call h ON h.id = c.hook_call_id
     WHERE c.uuid IN (SELECT jsonb_array_elements_text($1::jsonb))
       AND h.service_id = $2 AND h.issuer = $3 AND h.tenant IS NOT DISTINCT FROM $4::text`,
    [json([...new Set(q.uuids)]), q.serviceId, q.issuer, q.tenant ?? null],
  );
  return new Set(rows.map((r) => r.uuid));
}
