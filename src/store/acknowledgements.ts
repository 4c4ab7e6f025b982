import type { AcknowledgementRecord, AcknowledgementResult } from './records.js';
import { compact, iso } from './row-values.js';
import type { Sql } from './sql.js';

/**
 * Clock skew allowed between the EHR that records `signedAt` and us, both ways (docs/design.md#acknowledgement):
 * a signature may not be dated more than this before the notice was issued, nor after our "now".
 */
export const SIGNED_AT_SKEW_MS = 5 * 60_000;

/** Row shape of `notice_acknowledgement` as selected by ACK_COLUMNS. */
export interface AcknowledgementRow {
  id: string;
  notice_id: string;
  signer_kind: AcknowledgementRecord['signerKind'];
  signer_name: string;
  relationship: string | null;
  decision: AcknowledgementRecord['decision'];
  signed_at: Date | string;
  recorded_by: string;
  recorded_at: Date | string;
}

export const ACK_COLUMNS =
  'a.id, a.notice_id, a.signer_kind, a.signer_name, a.relationship, a.decision, a.signed_at, a.recorded_by, a.recorded_at';

/** A `notice_acknowledgement` row as the record type. */
export function acknowledgementFromRow(r: AcknowledgementRow): AcknowledgementRecord {
  return compact({
    id: r.id,
    noticeId: r.notice_id,
    signerKind: r.signer_kind,
    signerName: r.signer_name,
    relationship: r.relationship,
    decision: r.decision,
    signedAt: iso(r.signed_at),
    recordedBy: r.recorded_by,
    recordedAt: iso(r.recorded_at),
  });
}

/** Same acknowledgement? Everything the client sent; `recordedAt` (our receipt time) is not compared. */
function sameContent(a: AcknowledgementRecord, b: AcknowledgementRecord): boolean {
  return (
    a.noticeId === b.noticeId &&
    a.signerKind === b.signerKind &&
    a.signerName === b.signerName &&
    (a.relationship ?? null) === (b.relationship ?? null) &&
    a.decision === b.decision &&
    iso(a.signedAt) === iso(b.signedAt) &&
    a.recordedBy === b.recordedBy
  );
}

async function stored(tx: Sql, id: string): Promise<AcknowledgementRecord | undefined> {
  const [row] = await tx.query<AcknowledgementRow>(`SELECT ${ACK_COLUMNS} FROM notice_acknowledgement a WHERE a.id = $1`, [id]);
  return row ? acknowledgementFromRow(row) : undefined;
}

function compared(ack: AcknowledgementRecord, existing: AcknowledgementRecord): AcknowledgementResult {
  return sameContent(ack, existing) ? { status: 'repeat', acknowledgement: existing } : { status: 'conflict', existing };
}

interface NoticeOriginRow {
  id: string;
  created_at: Date | string;
  issuer: string | null;
  tenant: string | null;
}

/** Whether `ack` may touch this notice: no origin to compare, or the same issuer and tenant. */
function sameOrigin(ack: AcknowledgementRecord, notice: NoticeOriginRow): boolean {
  if (!ack.origin || notice.issuer === null) return true;
  return notice.issuer === ack.origin.issuer && notice.tenant === (ack.origin.tenant ?? null);
}

/**
 * Appends an acknowledgement, idempotent on its client-supplied id (one transaction): a repeat with
 * the same content returns the stored one, with different content a conflict (nothing written).
 * A notice that does not exist — or was issued to another EHR than `ack.origin` — is
 * `unknown-notice`, checked first, so nothing about it (nor a stored acknowledgement) is revealed. A new
 * acknowledgement signed before the notice was issued (beyond the skew) is `signed-before-notice`.
 */
export async function appendAcknowledgement(sql: Sql, ack: AcknowledgementRecord): Promise<AcknowledgementResult> {
  return sql.transaction(async (tx) => {
    const [notice] = await tx.query<NoticeOriginRow>(
      'SELECT n.id, n.created_at, h.issuer, h.tenant FROM notice n LEFT JOIN hook_call h ON h.id = n.hook_call_id WHERE n.id = $1',
      [ack.noticeId],
    );
    if (!notice || !sameOrigin(ack, notice)) return { status: 'unknown-notice' };
    const existing = await stored(tx, ack.id);
    if (existing) return compared(ack, existing);
    const issuedAt = iso(notice.created_at);
    if (Date.parse(ack.signedAt) < Date.parse(issuedAt) - SIGNED_AT_SKEW_MS) return { status: 'signed-before-notice', issuedAt };
    const [row] = await tx.query<AcknowledgementRow>(
      `INSERT INTO notice_acknowledgement AS a (id, notice_id, signer_kind, signer_name, relationship, decision, signed_at, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz, $8, $9::timestamptz)
       ON CONFLICT (id) DO NOTHING RETURNING ${ACK_COLUMNS}`,
      [
        ack.id,
        ack.noticeId,
        ack.signerKind,
        ack.signerName,
        ack.relationship ?? null,
        ack.decision,
        ack.signedAt,
        ack.recordedBy,
        ack.recordedAt,
      ],
    );
    if (row) return { status: 'created', acknowledgement: acknowledgementFromRow(row) };
    const raced = await stored(tx, ack.id);
    if (!raced) throw new Error(`acknowledgement ${ack.id} neither inserted nor found`);
    return compared(ack, raced);
  });
}
