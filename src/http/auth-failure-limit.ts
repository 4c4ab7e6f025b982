import { isIPv6 } from 'node:net';
import type { Request, Response } from 'express';
import type { Config } from '../config/schema.js';
import { AppError } from '../errors/app-error.js';
import type { AuthContext, Authenticate } from '../ports.js';
import type { RequestIdLocals } from './request-id.js';
import { admit, createRateLimiter, type KeyedLimit, type RateLimiter } from './rate-limit.js';

/**
 * Authentication of an EHR call before its body is read (docs/design.md#authentication): the
 * authenticator, the per-issuer limit of verified calls (`RATE_LIMIT_PER_MINUTE`) and the
 * per-address limit of failed authentications (`AUTH_FAILURE_LIMIT_PER_MINUTE`).
 */
export interface EhrCallGate<L extends KeyedLimit = KeyedLimit> {
  readonly authenticate: Authenticate;
  /** One bucket per verified issuer, shared by every call it authenticates. */
  readonly issuers: L;
  /** One bucket per client address (`clientKey`), taken from only when authentication fails. */
  readonly failures: L;
}

/** Most client addresses whose failures are remembered at once; the least recently seen is forgotten first. */
export const AUTH_FAILURE_MAX_ADDRESSES = 10_000;

export interface EhrCallGateOptions {
  readonly authenticate: Authenticate;
  readonly config: Pick<Config, 'rateLimitPerMinute' | 'authFailureLimitPerMinute'>;
  /** Milliseconds from any fixed origin (a monotonic clock in production). */
  readonly nowMs: () => number;
  /** Size of the failure table (default AUTH_FAILURE_MAX_ADDRESSES). */
  readonly maxAddresses?: number;
}

/** The gate with both limits in the process (the embedded store; ./shared-rate-limit.ts for replicas). */
export function createEhrCallGate(opts: EhrCallGateOptions): EhrCallGate<RateLimiter> {
  return {
    authenticate: opts.authenticate,
    issuers: createRateLimiter({ perMinute: opts.config.rateLimitPerMinute, nowMs: opts.nowMs }),
    failures: createRateLimiter({
      perMinute: opts.config.authFailureLimitPerMinute,
      nowMs: opts.nowMs,
      maxKeys: opts.maxAddresses ?? AUTH_FAILURE_MAX_ADDRESSES,
    }),
  };
}

/**
 * Verifies the call's JWT from its headers alone — the body is not touched — then takes one token
 * of the issuer's rate limit. A failed authentication takes a token from the client address's
 * bucket; once the address has none left the failure is answered 429 `rate-limited` with
 * Retry-After instead of 401. A token that verifies is never refused for its address's failures,
 * so a shared address (a NAT, a proxy) cannot lock out an EHR whose tokens are good.
 */
export async function authenticateCall(gate: EhrCallGate, req: Request, res: Response, audience: string): Promise<AuthContext> {
  let auth: AuthContext;
  try {
    const reqId = (res.locals as RequestIdLocals | undefined)?.reqId;
    auth = await gate.authenticate({ authorization: req.headers.authorization, audience, ...(reqId !== undefined ? { reqId } : {}) });
  } catch (err) {
    if (err instanceof AppError && err.code === 'unauthorized')
      await refuseOverLimit(gate.failures, clientKey(req.ip ?? req.socket.remoteAddress), res);
    throw err;
  }
  await admit(gate.issuers, auth.issuer, res);
  return auth;
}

async function refuseOverLimit(failures: KeyedLimit, key: string, res: Response): Promise<void> {
  const decision = await failures.admit(key);
  if (decision.admitted) return;
  res.setHeader('Retry-After', String(decision.retryAfterSeconds));
  throw new AppError('rate-limited', [{ message: 'too many failed authentications from this address' }]);
}

/**
 * The key a client address is counted under: the address itself for IPv4 (an IPv4-mapped IPv6
 * address is unwrapped), its /64 prefix for IPv6 — one host is usually given a whole /64, so
 * counting single IPv6 addresses would let it start afresh with every request. Express's `req.ip`
 * is the socket address unless TRUST_PROXY names the peer a proxy (docs/design.md#trust-proxy).
 */
export function clientKey(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  const bare = address.split('%')[0] ?? address;
  if (!isIPv6(bare) || bare.includes('.')) return address;
  const [head = '', tail] = bare.split('::');
  const front = head === '' ? [] : head.split(':');
  const back = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...front, ...Array<string>(8 - front.length - back.length).fill('0'), ...back];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
