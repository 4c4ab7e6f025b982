import { OF_PATIENTS, patientParams } from './audit-queries.js';
import type { PeriodQuery } from './records.js';
import { compact, iso } from './row-values.js';
import type { Sql } from './sql.js';

/**
 * A completed notice Communication a later hook call observed: that call re-linked the stored notice
 * the Communication names (docs/design.md#notice-links), which the store allows only for the same
 * patient and EHR. `observedAt` is the later call's time (the audit keeps no Communication date).
 */
export interface ObservedNoticeRow {
  readonly noticeId: string;
  readonly observedAt: string;
  readonly patientId: string;
  /** The EHR of the notice's call, which owns `patientId` (docs/design.md#pregnancy-identity). */
  readonly issuer?: string;
  readonly tenant?: string;
  readonly pregnancyKey?: string;
  /** The notice's call's best EDD (docs/design.md#pregnancy-identity). */
  readonly edd?: string;
  readonly institutionId?: string;
}

type Raw = Record<string, unknown>;

/**
 * Observations in the period: notice links issued by a hook call other than the one that issued
 * the notice, oldest first; the institution filter applies to the notice, as does `patientIds`.
 */
export async function listObservedNotices(sql: Sql, q: PeriodQuery): Promise<ObservedNoticeRow[]> {
  const rows = await sql.query<Raw>(
    `SELECT l.notice_id, l.issued_at, n.patient_id, n.pregnancy_key, n.edd::text AS edd, n.institution_id,
       nh.issuer, nh.tenant FROM notice_link l
     JOIN notice n ON n.id = l.notice_id LEFT JOIN hook_call nh ON nh.id = n.hook_call_id
     WHERE l.hook_call_id IS NOT NULL AND l.hook_call_id IS DISTINCT FROM n.hook_call_id
       AND l.issued_at >= $1::timestamptz AND l.issued_at < $2::timestamptz AND ($3::text IS NULL OR n.institution_id = $3)
       AND ${OF_PATIENTS('n.patient_id')}
     ORDER BY l.issued_at, l.id`,
    patientParams(q),
    { report: true }, // a QC report read (docs/design.md#qc-scale)
  );
  return rows.map((r) =>
    compact({
      noticeId: r.notice_id as string,
      observedAt: iso(r.issued_at),
      patientId: r.patient_id as string,
      issuer: r.issuer as string | null,
      tenant: r.tenant as string | null,
      pregnancyKey: r.pregnancy_key as string | null,
      edd: r.edd as string | null,
      institutionId: r.institution_id as string | null,
    }),
  );
}

/**
 * An observed notice as the QC reports take it: a completed notice Communication at the later call's
 * time, with its notice's pregnancy facts and institution (src/qc/compliance-types.ts `CommunicationFact`).
 */
export function observedCommunication(o: ObservedNoticeRow) {
  return compact({
    patientId: o.patientId,
    issuer: o.issuer,
    tenant: o.tenant,
    pregnancyKey: o.pregnancyKey,
    edd: o.edd,
    at: o.observedAt,
    institutionId: o.institutionId,
  });
}
