import { errors } from 'jose';
import type { RequiredClaim } from './auth-policy.js';

/**
 * Why a token was refused: a stable code that is logged (never sent — a 401 carries no detail,
 * docs/design.md#errors). Codes are data; nothing classifies errors by message text.
 */
export type AuthFailureReason =
  | 'missing-bearer'
  | 'malformed-token'
  | 'alg-not-allowed'
  | 'kid-missing'
  | 'typ-not-jwt'
  | 'unknown-issuer'
  | 'jku-not-allowed'
  | 'unknown-kid'
  | 'jwks-unavailable'
  | 'bad-signature'
  | 'unsupported-token'
  | `missing-${RequiredClaim}`
  | 'token-expired'
  | 'token-too-old'
  | 'iat-in-future'
  | 'not-yet-valid'
  | 'audience-mismatch'
  | 'issuer-mismatch'
  | 'claim-invalid'
  | 'jti-invalid'
  | 'tenant-mismatch'
  | 'fhir-server-not-allowed'
  | 'replayed-jti'
  | 'replay-cache-full'
  | 'replay-cache-error'
  | 'verification-failed';

/** Internal rejection with its reason; the authenticator turns it into AppError('unauthorized'). */
export class AuthRejection extends Error {
  constructor(
    readonly reason: AuthFailureReason,
    options?: { cause?: unknown },
  ) {
    super(`EHR JWT rejected: ${reason}`, options);
    this.name = 'AuthRejection';
  }
}

const MISSING: Readonly<Record<string, AuthFailureReason>> = {
  iss: 'missing-iss',
  aud: 'missing-aud',
  exp: 'missing-exp',
  iat: 'missing-iat',
  jti: 'missing-jti',
};

const CHECK_FAILED: Readonly<Record<string, AuthFailureReason>> = {
  aud: 'audience-mismatch',
  iss: 'issuer-mismatch',
  iat: 'iat-in-future',
  nbf: 'not-yet-valid',
};

/** Maps any error raised while verifying to a reason code (by error class and claim, never by text). */
export function failureReason(err: unknown): AuthFailureReason {
  if (err instanceof AuthRejection) return err.reason;
  if (err instanceof errors.JWTExpired) return err.claim === 'iat' ? 'token-too-old' : 'token-expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    const table = err.reason === 'missing' ? MISSING : CHECK_FAILED;
    return table[err.claim] ?? 'claim-invalid';
  }
  if (err instanceof errors.JWKSNoMatchingKey) return 'unknown-kid';
  if (err instanceof errors.JWKSTimeout) return 'jwks-unavailable';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'bad-signature';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'alg-not-allowed';
  if (err instanceof errors.JWTInvalid || err instanceof errors.JWSInvalid) return 'malformed-token';
  if (err instanceof errors.JOSENotSupported) return 'unsupported-token';
  return 'verification-failed';
}
