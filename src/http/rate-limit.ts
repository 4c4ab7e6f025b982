import type { Response } from 'express';
import { AppError } from '../errors/app-error.js';

/**
 * A per-issuer token bucket (`RATE_LIMIT_PER_MINUTE`, docs/design.md#call-flow): each verified issuer may make
 * `perMinute` calls in a burst, refilled continuously at `perMinute` per minute. `perMinute` 0 means
 * no limit. The time source is an argument (a monotonic clock in production, a counter in tests).
 */
export interface RateLimiterOptions {
  /** Requests per minute per issuer; 0 = unlimited. */
  readonly perMinute: number;
  /** Milliseconds from any fixed origin (e.g. `performance.now`). */
  readonly nowMs: () => number;
  /** Most issuers tracked at once (the oldest full bucket is dropped first). Default 10 000. */
  readonly maxIssuers?: number;
}

export interface RateLimiter {
  /** Takes one token for `issuer`; `false` when the issuer is over its limit. */
  take(issuer: string): boolean;
  /** Whole seconds until `issuer` has a token again (≥ 1 when it has none; 0 when it has one). */
  retryAfterSeconds(issuer: string): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const MINUTE_MS = 60_000;

export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  const capacity = Math.floor(opts.perMinute);
  if (!(capacity > 0)) return { take: () => true, retryAfterSeconds: () => 0 };
  const perMs = capacity / MINUTE_MS;
  const maxIssuers = opts.maxIssuers ?? 10_000;
  const buckets = new Map<string, Bucket>();

  const refill = (issuer: string): Bucket => {
    const now = opts.nowMs();
    const bucket = buckets.get(issuer);
    if (!bucket) return { tokens: capacity, at: now };
    const elapsed = Math.max(0, now - bucket.at);
    return { tokens: Math.min(capacity, bucket.tokens + elapsed * perMs), at: now };
  };

  const store = (issuer: string, bucket: Bucket): void => {
    buckets.delete(issuer);
    buckets.set(issuer, bucket);
    if (buckets.size <= maxIssuers) return;
    const oldest = buckets.keys().next().value;
    if (oldest !== undefined) buckets.delete(oldest);
  };

  return {
    take(issuer) {
      const bucket = refill(issuer);
      if (bucket.tokens < 1) {
        store(issuer, bucket);
        return false;
      }
      store(issuer, { tokens: bucket.tokens - 1, at: bucket.at });
      return true;
    },
    retryAfterSeconds(issuer) {
      const bucket = refill(issuer);
      if (bucket.tokens >= 1) return 0;
      return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
    },
  };
}

/**
 * Takes one token for the verified `issuer` or throws 429 `rate-limited` with Retry-After. One
 * limiter serves every call an EHR authenticates for (service calls, feedback, acknowledgements):
 * the limit is per issuer, not per endpoint.
 */
export function admit(limiter: RateLimiter, issuer: string, res: Response): void {
  if (limiter.take(issuer)) return;
  res.setHeader('Retry-After', String(limiter.retryAfterSeconds(issuer)));
  throw new AppError('rate-limited');
}
