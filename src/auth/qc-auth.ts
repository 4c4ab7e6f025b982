import { createHash, timingSafeEqual } from 'node:crypto';
import type { QcToken } from '../config/schema.js';
import { AppError } from '../errors/app-error.js';

/**
 * QC API authentication (docs/design.md#authentication): opaque bearer tokens from QC_TOKENS, never the
 * EHR's CDS Hooks JWT (a JWT is simply not a configured token → 401). Comparison is constant-time
 * (SHA-256 of both sides, `timingSafeEqual`, every configured token compared). The token itself is
 * never logged nor put in an error.
 */

/** Who is reading QC data. */
export interface QcPrincipal {
  readonly role: QcToken['role'];
  /** The institution an `institution` token is limited to. */
  readonly institution?: string;
  /** A province token allowed to see record numbers and patient ids (docs/design.md#patient-identity). */
  readonly seesMrn?: boolean;
}

export type QcAuthenticate = (authorization: string | undefined) => QcPrincipal;

const BEARER = /^Bearer ([\x21-\x7e]{1,4096})$/i;

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Builds the QC authenticator over the configured tokens; throws AppError('unauthorized') on failure. */
export function qcAuthenticator(tokens: Readonly<Record<string, QcToken>>): QcAuthenticate {
  const known = Object.entries(tokens).map(([token, grant]) => ({ hash: digest(token), grant }));
  return (authorization) => {
    const m = BEARER.exec(authorization?.trim() ?? '');
    if (!m) throw new AppError('unauthorized', [{ message: 'missing or malformed QC bearer token' }]);
    const presented = digest(m[1]!);
    let match: QcToken | undefined;
    for (const k of known) {
      if (timingSafeEqual(k.hash, presented) && !match) match = k.grant;
    }
    if (!match) throw new AppError('unauthorized', [{ message: 'unknown QC token' }]);
    if (match.role === 'institution') return { role: 'institution', institution: match.institution! };
    return match.seesMrn ? { role: 'province', seesMrn: true } : { role: 'province' };
  };
}

/**
 * The institution a request may read: a province token reads the requested one (or all when none
 * is asked for); an institution token reads its own only (another → 403 `forbidden`).
 */
export function scopeInstitution(principal: QcPrincipal, requested: string | undefined): string | undefined {
  if (principal.role === 'province') return requested;
  if (requested !== undefined && requested !== principal.institution) {
    throw new AppError('forbidden', [{ message: 'an institution token reads its own institution only' }]);
  }
  return principal.institution;
}
