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
 * Whether a link is an observation: it re-issued the notice because the EHR held its Communication
 * (`reissue`, migration 22). A link written before that column says NULL; it is one when its notice
 * has a random id (`substance_hash` NULL: no later call could compute that id, only re-link it), or
 * when its call offered no notice Communication (a re-linking card covers every rule and offers
 * none; a call that computed the same derived notice again offered it, docs/design.md#notice-reuse).
 */
const REISSUED = `(l.reissue OR (l.reissue IS NULL AND (n.substance_hash IS NULL OR NOT EXISTS (
  SELECT 1 FROM suggestion s WHERE s.hook_call_id = l.hook_call_id AND 'create:Communication' = ANY (string_to_array(s.kind, '+'))))))`;

/**
 * Observations in the period: notice links a hook call other than the one that issued the notice
 * re-issued (`REISSUED`), oldest first; the institution filter applies to the notice, as does
 * `patientIds`. A later call that merely computed the same notice again links it too, and is not one.
 */
export async function listObservedNotices(sql: Sql, q: PeriodQuery): Promise<ObservedNoticeRow[]> {
  // Named women (the summary's fold): their few notices by the patient index, then each one's links
  // by theirs. As a join, the embedded store (no statistics: docs/design.md#planner-statistics)
  // hashed every link of the period; a whole period's read keeps the join.
  const links =
    q.patientIds === undefined
      ? 'notice_link l JOIN notice n ON n.id = l.notice_id'
      : 'notice n CROSS JOIN LATERAL (SELECT * FROM notice_link l WHERE l.notice_id = n.id OFFSET 0) l';
  const rows = await sql.query<Raw>(
    `SELECT l.notice_id, l.issued_at, n.patient_id, n.pregnancy_key, n.edd::text AS edd, n.institution_id,
       nh.issuer, nh.tenant FROM ${links} LEFT JOIN hook_call nh ON nh.id = n.hook_call_id
     WHERE l.hook_call_id IS NOT NULL AND l.hook_call_id IS DISTINCT FROM n.hook_call_id AND ${REISSUED}
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
