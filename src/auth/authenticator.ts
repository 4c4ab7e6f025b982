import { jwtVerify, type JWTPayload } from 'jose';
import type { Logger } from 'pino';
import { systemClock } from '../clock.js';
import type { Config, TrustedIssuer } from '../config/schema.js';
import { AppError } from '../errors/app-error.js';
import type { AuthContext, AuthRequest, Authenticate } from '../ports.js';
import {
  ALLOWED_ALGORITHMS,
  CLOCK_TOLERANCE_SECONDS,
  JWKS_COOLDOWN_MS,
  JWKS_FETCH_TIMEOUT_MS,
  JWKS_REFRESH_AFTER_MS,
  MAX_JTI_LENGTH,
  MAX_TOKEN_AGE_SECONDS,
  REQUIRED_CLAIMS,
} from './auth-policy.js';
import { AuthRejection, failureReason } from './auth-failure.js';
import { createIssuerKeys, isSameUrl, type IssuerKeys } from './issuer-keys.js';
import {
  createMemoryReplayCache,
  createStoreReplayCache,
  ReplayCacheFullError,
  type ReplayCache,
  type ReplayTable,
} from './replay-cache.js';
import { precheckToken, type TokenLogFacts } from './token-precheck.js';

export interface AuthenticatorOptions {
  readonly logger: Logger;
  /** Clock, epoch seconds (tests control it; defaults to the system clock). */
  readonly nowSeconds?: () => number;
  /** Defaults to the store-backed cache on `replayTable`, else a bounded in-memory one. */
  readonly replayCache?: ReplayCache;
  /** The store's replay table (`jti_seen`, either engine): replays are refused across restarts and replicas. */
  readonly replayTable?: ReplayTable;
  /** Timeout of one JWKS fetch, ms (default `JWKS_TIMEOUT_MS` of the configuration). */
  readonly fetchTimeoutMs?: number;
  /** Cooldown between JWKS refetches for unknown kids / after failures, ms (default JWKS_COOLDOWN_MS). */
  readonly jwksCooldownMs?: number;
  /** Background refresh age of cached JWKS, ms (default JWKS_REFRESH_AFTER_MS). */
  readonly jwksRefreshAfterMs?: number;
}

const DEV_CONTEXT: AuthContext = Object.freeze({ issuer: 'dev' });

const systemNowSeconds = (): number => {
  const clock = systemClock('UTC');
  return Math.floor(Date.parse(clock.now().instant) / 1000);
};

/** The line main.ts logs at `warn` when AUTH_MODE=off (development only, docs/design.md#authentication). */
export function authOffWarning(): string {
  return (
    'AUTH_MODE=off: EHR JWT authentication is DISABLED. Every request is accepted as issuer "dev" and ' +
    'fhirServer is not checked against any allow-list. No call is bound to an issuer institution: the ' +
    "institution of a call, and so QC by institution, rests on the call's data alone (PractitionerRole, " +
    'encounter) or the policy default. Never run like this with real patient data.'
  );
}

/**
 * Builds the EHR authenticator: verifies the CDS Hooks JWT of each call
 * (https://cds-hooks.hl7.org/2.0/#trusting-cds-clients; docs/design.md#authentication) from the
 * request's headers alone — it runs before the body is read. Order: bearer + header checks (no key
 * lookup for `none`/HS*), trusted `iss` (unknown ⇒ no network), `jku` = configured `jwksUrl` or
 * absent (never fetched), signature and claims with jose (`aud` = the exact endpoint, required
 * exp/iat/jti, bounded age and skew), tenant, then `jti` replay. The context carries the issuer's
 * `fhirServers`; the body's `fhirServer` is checked against them once parsed (`authorizeFhirServer`).
 * Every failure throws AppError('unauthorized', [{ message: reason }]) and logs the reason at
 * `info` with iss/kid/jti only. With AUTH_MODE=off, every request is `{ issuer: 'dev' }`.
 */
export function createAuthenticator(config: Config, opts: AuthenticatorOptions): Authenticate {
  if (config.authMode === 'off') return async () => DEV_CONTEXT;
  const nowSeconds = opts.nowSeconds ?? systemNowSeconds;
  const replayCache =
    opts.replayCache ??
    (opts.replayTable
      ? createStoreReplayCache(opts.replayTable, {
          nowSeconds,
          onPruneError: (err) => opts.logger.warn({ err: errorName(err) }, 'replay cache: pruning expired entries failed'),
        })
      : createMemoryReplayCache({ nowSeconds }));
  const issuers = new Map<string, IssuerKeys>();
  /** Every entry of an issuer: one per tenant it calls for (they share the issuer's keys). */
  const entries = new Map<string, TrustedIssuer[]>();
  for (const issuer of config.trustedIssuers) {
    entries.set(issuer.iss, [...(entries.get(issuer.iss) ?? []), issuer]);
    if (issuers.has(issuer.iss)) continue;
    issuers.set(
      issuer.iss,
      createIssuerKeys(issuer, {
        timeoutMs: opts.fetchTimeoutMs ?? config.jwksTimeoutMs ?? JWKS_FETCH_TIMEOUT_MS,
        cooldownMs: opts.jwksCooldownMs ?? JWKS_COOLDOWN_MS,
        refreshAfterMs: opts.jwksRefreshAfterMs ?? JWKS_REFRESH_AFTER_MS,
        nowMs: () => nowSeconds() * 1000,
        onRefreshError: (err) => opts.logger.warn({ iss: issuer.iss, err: errorName(err) }, 'JWKS refresh failed; cached keys stay in use'),
      }),
    );
  }

  async function verify(req: AuthRequest, facts: TokenLogFacts): Promise<AuthContext> {
    const unverified = precheckToken(req.authorization, facts);
    const keys = issuers.get(unverified.iss);
    if (keys === undefined) throw new AuthRejection('unknown-issuer');
    const { issuer } = keys;
    if (unverified.jku !== undefined && !isSameUrl(unverified.jku, issuer.jwksUrl)) throw new AuthRejection('jku-not-allowed');
    const now = nowSeconds();
    const { payload } = await jwtVerify(unverified.token, keys.getKey, {
      algorithms: [...ALLOWED_ALGORITHMS],
      issuer: issuer.iss,
      audience: req.audience,
      requiredClaims: [...REQUIRED_CLAIMS],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: MAX_TOKEN_AGE_SECONDS,
      currentDate: new Date(now * 1000),
    });
    const jti = payload.jti;
    if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) throw new AuthRejection('jti-invalid');
    const tenant = typeof payload.tenant === 'string' ? payload.tenant : undefined;
    // The entry of this tenant, else the issuer's entry without a tenant; none: the tenant is not trusted.
    const candidates = entries.get(issuer.iss) ?? [issuer];
    const entry = candidates.find((e) => e.tenant !== undefined && e.tenant === tenant) ?? candidates.find((e) => e.tenant === undefined);
    if (entry === undefined) throw new AuthRejection('tenant-mismatch');
    // Consumed now, before the body is read: a token whose body is then refused stays used, so one
    // captured token buys at most one body parse (docs/design.md#authentication).
    await rememberJti(issuer.iss, jti, replayExpiry(payload));
    return Object.freeze({
      issuer: issuer.iss,
      jti,
      ...(tenant !== undefined ? { tenant } : {}),
      ...(entry.institution !== undefined ? { institution: entry.institution } : {}),
      fhirServers: Object.freeze([...entry.fhirServers]),
    });
  }

  async function rememberJti(iss: string, jti: string, expiresAt: number): Promise<void> {
    let fresh: boolean;
    try {
      fresh = await replayCache.remember(iss, jti, expiresAt);
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AuthRejection(err instanceof ReplayCacheFullError ? 'replay-cache-full' : 'replay-cache-error', { cause: err });
    }
    if (!fresh) throw new AuthRejection('replayed-jti');
  }

  return async (req) => {
    const facts: TokenLogFacts = {};
    try {
      return await verify(req, facts);
    } catch (err) {
      if (err instanceof AppError) throw err;
      const reason = failureReason(err);
      opts.logger.info({ ...(req.reqId !== undefined ? { reqId: req.reqId } : {}), reason, ...facts }, 'EHR JWT rejected');
      throw new AppError('unauthorized', [{ message: reason }]);
    }
  };
}

/**
 * How long a jti must be remembered: until the token can no longer pass verification, i.e. the
 * earlier of `exp` and `iat` + max age, plus the clock tolerance (so a huge `exp` cannot pin
 * cache entries).
 */
function replayExpiry(payload: JWTPayload): number {
  const exp = payload.exp ?? 0;
  const iat = payload.iat ?? 0;
  return Math.min(exp, iat + MAX_TOKEN_AGE_SECONDS) + CLOCK_TOLERANCE_SECONDS;
}

const errorName = (err: unknown): string => (err instanceof Error ? err.name : typeof err);
