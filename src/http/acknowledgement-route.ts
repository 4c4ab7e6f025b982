import type { RequestHandler } from 'express';
import { z } from 'zod';
import { issuesToDetails } from '../cds-hooks/zod-issues.js';
import { AppError } from '../errors/app-error.js';
import type { AppDeps } from '../ports.js';
import { SIGNED_AT_SKEW_MS } from '../store/acknowledgements.js';
import type { AuditStore } from '../store/audit-store.js';
import { ACK_DECISIONS, SIGNER_KINDS, type AcknowledgementRecord } from '../store/records.js';
import { isNoticeId } from './notice-id.js';
import { authenticateCall, type EhrCallGate } from './auth-failure-limit.js';
import { readJsonBody } from './read-json-body.js';

const text = z.string().trim().min(1).max(200);

/**
 * Body of `POST /notices/{noticeId}/acknowledgement` (docs/design.md#acknowledgement): `id` is the client's
 * idempotency key; `recordedBy` a Practitioner reference (`Practitioner/abc`) or id.
 */
export const acknowledgementBodySchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'expected an id of 1–64 letters, digits, "-" or "."'),
  signer: z
    .strictObject({
      kind: z.enum(SIGNER_KINDS),
      name: text,
      relationship: text.optional(),
    })
    .superRefine((s, ctx) => {
      if (s.kind === 'family-member' && !s.relationship)
        ctx.addIssue({ code: 'custom', path: ['relationship'], message: 'required for a family-member signer' });
      if (s.kind === 'patient' && s.relationship)
        ctx.addIssue({ code: 'custom', path: ['relationship'], message: 'only for a family-member signer' });
    }),
  decision: z.enum(ACK_DECISIONS),
  signedAt: z.iso.datetime({ offset: true }),
  recordedBy: z.string().regex(/^(Practitioner\/)?[A-Za-z0-9\-.]{1,64}$/, 'expected a Practitioner reference or id'),
});

/** The stored acknowledgement as answered (the request shape plus notice id and receipt time). */
function wire(a: AcknowledgementRecord): Record<string, unknown> {
  return {
    id: a.id,
    noticeId: a.noticeId,
    signer: { kind: a.signerKind, name: a.signerName, ...(a.relationship ? { relationship: a.relationship } : {}) },
    decision: a.decision,
    signedAt: a.signedAt,
    recordedBy: a.recordedBy,
    recordedAt: a.recordedAt,
  };
}

/**
 * `POST /notices/{noticeId}/acknowledgement`: authenticate from the headers like a CDS call (aud =
 * this URL) → rate limit → body → validate (400 `invalid-acknowledgement`, every issue with its
 * path) → append (committed before the answer): 201 created, 200 the stored one for a repeat, 409
 * `conflict` for the same id with other content, 404 for an unknown notice — and for a notice
 * issued to another EHR (issuer or tenant): institutions do not see each other's notices.
 */
export function acknowledgementHandler(deps: AppDeps & { readonly audit: AuditStore }, gate: EhrCallGate): RequestHandler {
  return async (req, res) => {
    const noticeId = String(req.params.noticeId ?? '');
    const audience = `${deps.config.publicBaseUrl}/notices/${encodeURIComponent(noticeId)}/acknowledgement`;
    const auth = await authenticateCall(gate, req, res, audience);
    const body = await readJsonBody(req, deps.config);
    if (!isNoticeId(noticeId)) throw new AppError('not-found');
    const parsed = acknowledgementBodySchema.safeParse(body);
    if (!parsed.success) throw new AppError('invalid-acknowledgement', issuesToDetails(parsed.error.issues));
    const b = parsed.data;
    const now = deps.clock.now().instant;
    if (Date.parse(b.signedAt) > Date.parse(now) + SIGNED_AT_SKEW_MS) {
      throw new AppError('invalid-acknowledgement', [{ path: 'signedAt', message: 'signedAt is in the future' }]);
    }
    const result = await deps.audit.appendAcknowledgement({
      id: b.id,
      noticeId,
      signerKind: b.signer.kind,
      signerName: b.signer.name,
      relationship: b.signer.relationship,
      decision: b.decision,
      signedAt: b.signedAt,
      recordedBy: b.recordedBy,
      recordedAt: now,
      origin: { issuer: auth.issuer, ...(auth.tenant !== undefined ? { tenant: auth.tenant } : {}) },
    });
    res.setHeader('Cache-Control', 'no-store');
    switch (result.status) {
      case 'unknown-notice':
        throw new AppError('not-found', [{ message: 'no notice with this id' }]);
      case 'signed-before-notice':
        throw new AppError('invalid-acknowledgement', [
          { path: 'signedAt', message: `signedAt is before the notice was issued (${result.issuedAt})` },
        ]);
      case 'conflict':
        throw new AppError('conflict', [{ path: 'id', message: 'this acknowledgement id is already stored with different content' }]);
      case 'created':
        res.status(201).json(wire(result.acknowledgement));
        return;
      case 'repeat':
        res.status(200).json(wire(result.acknowledgement));
        return;
    }
  };
}
