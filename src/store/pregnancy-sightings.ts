import { stringTable } from './audit-queries.js';
import { iso, json } from './row-values.js';
import type { Sql } from './sql.js';

/** Whose sightings, and over which instants ([from, to)). */
export interface SightingsQuery {
  readonly patientIds: readonly string[];
  readonly from: string;
  readonly to: string;
}

/** One hook call's pregnancy facts (src/qc/pregnancy-identity.ts `PregnancySighting`). */
export interface PregnancySightingRow {
  readonly patientId: string;
  /** The call's verified issuer and tenant: the EHR that owns `patientId` (docs/design.md#pregnancy-identity). */
  readonly issuer: string;
  readonly tenant?: string;
  readonly pregnancyKey?: string;
  readonly edd?: string;
  readonly receivedAt: string;
}

type Raw = Record<string, unknown>;

/**
 * The pregnancy sightings QC resolves pregnancies from (docs/design.md#pregnancy-identity): the
 * calls of these patients received in [from, to) that carried a pregnancy key or an EDD, at every
 * institution of the same EHR (a woman seen at two campuses of one EHR is one pregnancy; only the
 * facts of the call are read, nothing of the other institution is reported), each with its EHR
 * (issuer, tenant): a patient id is unique only within its EHR, and the resolver keeps two EHRs'
 * women with the same id apart.
 *
 * Bounded, and exact: of a run of calls with the same key and EDD — consecutive calls of one
 * patient of one EHR in the order the resolver takes them (instant to the millisecond, then key,
 * then EDD) — only the first and the last come back. A call in the middle of a run changes nothing
 * the resolver keeps: it joins the pregnancy the first one joined and only moves its last-seen day,
 * which the last one moves at least as far before anything else of hers is read
 * (src/qc/pregnancy-identity.ts). A chart opened every day for a year with the same EDD is two
 * sightings, not 365; every finding, card and follow-up event of her calls is one of these calls
 * again. One query over `hook_call (patient_id, received_at)`; the window sorts each woman's calls
 * as the resolver does (`COLLATE "C"`: code-unit order for the keys, which are ASCII).
 */
export async function listPregnancySightings(sql: Sql, q: SightingsQuery): Promise<PregnancySightingRow[]> {
  if (q.patientIds.length === 0) return [];
  // Her calls by her index whatever the statistics: `= ANY`, not `IN (SELECT …)` (docs/design.md#planner-statistics).
  const rows = await sql.query<Raw>(
    `SELECT patient_id, issuer, tenant, pregnancy_key, edd, received_at FROM (
       SELECT h.patient_id, h.issuer, h.tenant, h.pregnancy_key, h.edd::text AS edd, h.received_at,
         ROW(h.pregnancy_key, h.edd) IS NOT DISTINCT FROM ROW(lag(h.pregnancy_key) OVER w, lag(h.edd) OVER w) AS as_before,
         ROW(h.pregnancy_key, h.edd) IS NOT DISTINCT FROM ROW(lead(h.pregnancy_key) OVER w, lead(h.edd) OVER w) AS as_after
       FROM hook_call h
       WHERE h.patient_id = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))
         AND h.received_at >= $2::timestamptz AND h.received_at < $3::timestamptz
         AND (h.pregnancy_key IS NOT NULL OR h.edd IS NOT NULL)
       WINDOW w AS (PARTITION BY h.patient_id, h.issuer, h.tenant
         ORDER BY date_trunc('milliseconds', h.received_at), COALESCE(h.pregnancy_key, '') COLLATE "C", COALESCE(h.edd::text, ''))
     ) x
     WHERE NOT (as_before AND as_after)
     ORDER BY received_at, patient_id`,
    [json([...new Set(q.patientIds)]), q.from, q.to],
    { report: true }, // a QC report read (docs/design.md#qc-scale)
  );
  const str = stringTable();
  return rows.map((r) => ({
    patientId: str(r.patient_id)!,
    issuer: str(r.issuer)!,
    ...(r.tenant ? { tenant: str(r.tenant)! } : {}),
    ...(r.pregnancy_key ? { pregnancyKey: str(r.pregnancy_key)! } : {}),
    ...(r.edd ? { edd: str(r.edd)! } : {}),
    receivedAt: iso(r.received_at),
  }));
}
