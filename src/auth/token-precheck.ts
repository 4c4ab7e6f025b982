import { decodeJwt, decodeProtectedHeader } from 'jose';
import { ALLOWED_ALGORITHMS, MAX_TOKEN_LENGTH, type AllowedAlgorithm } from './auth-policy.js';
import { AuthRejection } from './auth-failure.js';

/** What may be read from a token before its signature is checked — only to choose how to check it. */
export interface UnverifiedToken {
  readonly token: string;
  readonly alg: AllowedAlgorithm;
  readonly kid: string;
  readonly jku?: string;
  /** `iss` as claimed; used only to pick the trusted issuer (then enforced by jwtVerify). */
  readonly iss: string;
  /** `jti` as claimed, for log correlation only. */
  readonly jti?: string;
}

/** Facts safe to log about a (possibly hostile) token: never the token itself. */
export interface TokenLogFacts {
  iss?: string;
  kid?: string;
  jti?: string;
}

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*) *$/i;
const LOGGED_LENGTH = 128;

const isAllowedAlg = (alg: unknown): alg is AllowedAlgorithm =>
  typeof alg === 'string' && (ALLOWED_ALGORITHMS as readonly string[]).includes(alg);

const clip = (v: unknown): string | undefined => (typeof v === 'string' ? v.slice(0, LOGGED_LENGTH) : undefined);

/**
 * Parses `Authorization: Bearer <jwt>` and checks the JOSE header before any key lookup or network
 * call (https://cds-hooks.hl7.org/2.0/#trusting-cds-clients): `alg` on the asymmetric allow-list
 * (`none` and HS* never reach a key resolver), `kid` present, `typ` absent or JWT. Fills `facts`
 * as it learns them so a rejection can still be logged with iss/kid/jti.
 */
export function precheckToken(authorization: string | undefined, facts: TokenLogFacts): UnverifiedToken {
  if (authorization === undefined || authorization.length > MAX_TOKEN_LENGTH + 16) throw new AuthRejection('missing-bearer');
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) throw new AuthRejection('missing-bearer');
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
    claims = decodeJwt(token) as Record<string, unknown>;
  } catch (cause) {
    throw new AuthRejection('malformed-token', { cause });
  }
  facts.kid = clip(header.kid);
  facts.iss = clip(claims.iss);
  facts.jti = clip(claims.jti);
  if (!isAllowedAlg(header.alg)) throw new AuthRejection('alg-not-allowed');
  if (typeof header.kid !== 'string' || header.kid === '') throw new AuthRejection('kid-missing');
  // RFC 7515 §4.1.9: media type names compare case-insensitively.
  if (header.typ !== undefined && (typeof header.typ !== 'string' || header.typ.toUpperCase() !== 'JWT')) {
    throw new AuthRejection('typ-not-jwt');
  }
  if (header.jku !== undefined && typeof header.jku !== 'string') throw new AuthRejection('jku-not-allowed');
  if (typeof claims.iss !== 'string' || claims.iss === '') throw new AuthRejection('missing-iss');
  return {
    token,
    alg: header.alg,
    kid: header.kid,
    ...(header.jku !== undefined ? { jku: header.jku } : {}),
    iss: claims.iss,
    ...(typeof claims.jti === 'string' ? { jti: claims.jti } : {}),
  };
}
