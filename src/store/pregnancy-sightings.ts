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
 * women with the same id apart. Bounded: one query over `hook_call (patient_id,
 * received_at)`, and the calls of one patient with the same key and EDD on one day come back as at
 * most two sightings (the first and the last: the order of EDDs is what the resolver needs, not
 * every repeat of a visit's calls).
 */
export async function listPregnancySightings(sql: Sql, q: SightingsQuery): Promise<PregnancySightingRow[]> {
  if (q.patientIds.length === 0) return [];
  const rows = await sql.query<Raw>(
    `SELECT h.patient_id, h.issuer, h.tenant, h.pregnancy_key, h.edd::text AS edd, min(h.received_at) AS first_at, max(h.received_at) AS last_at
     FROM hook_call h
     WHERE h.patient_id IN (SELECT jsonb_array_elements_text($1::jsonb))
       AND h.received_at >= $2::timestamptz AND h.received_at < $3::timestamptz
       AND (h.pregnancy_key IS NOT NULL OR h.edd IS NOT NULL)
     GROUP BY h.patient_id, h.issuer, h.tenant, h.pregnancy_key, h.edd, (h.received_at AT TIME ZONE 'UTC')::date
     ORDER BY first_at, h.patient_id`,
    [json([...new Set(q.patientIds)]), q.from, q.to],
    { report: true }, // a QC report read (docs/design.md#qc-scale)
  );
  const str = stringTable();
  return rows.flatMap((r) => {
    const facts = {
      patientId: str(r.patient_id)!,
      issuer: str(r.issuer)!,
      ...(r.tenant ? { tenant: str(r.tenant)! } : {}),
      ...(r.pregnancy_key ? { pregnancyKey: str(r.pregnancy_key)! } : {}),
      ...(r.edd ? { edd: str(r.edd)! } : {}),
    };
    const first = iso(r.first_at);
    const last = iso(r.last_at);
    return first === last
      ? [{ ...facts, receivedAt: first }]
      : [
          { ...facts, receivedAt: first },
          { ...facts, receivedAt: last },
        ];
  });
}
