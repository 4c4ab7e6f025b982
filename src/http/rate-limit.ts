import type { Response } from 'express';
import { AppError } from '../errors/app-error.js';

/** A limit's answer to one request: admitted, or refused for `retryAfterSeconds` (whole seconds, ≥ 1). */
export type LimitDecision = { readonly admitted: true } | { readonly admitted: false; readonly retryAfterSeconds: number };

export const ADMITTED: LimitDecision = Object.freeze({ admitted: true });

/**
 * A limit of requests per key (docs/design.md#scale-out). One interface, two implementations: the
 * token buckets below, in the process (the embedded store is one process), and fixed windows counted
 * in PostgreSQL, shared by every replica (./shared-rate-limit.ts).
 */
export interface KeyedLimit {
  /** Counts one request for `key` and answers whether it is admitted. */
  admit(key: string): Promise<LimitDecision>;
}

/**
 * A token bucket per key (docs/design.md#call-flow): per verified issuer for `RATE_LIMIT_PER_MINUTE`,
 * per client address for failed authentications (`AUTH_FAILURE_LIMIT_PER_MINUTE`). Each key may
 * take `perMinute` tokens in a burst, refilled continuously at `perMinute` per minute. `perMinute` 0
 * means no limit. The time source is an argument (a monotonic clock in production, a counter in tests).
 */
export interface RateLimiterOptions {
  /** Tokens per minute per key; 0 = unlimited. */
  readonly perMinute: number;
  /** Milliseconds from any fixed origin (e.g. `performance.now`). */
  readonly nowMs: () => number;
  /** Most keys tracked at once (the least recently used bucket is dropped first). Default 10 000. */
  readonly maxKeys?: number;
}

export interface RateLimiter extends KeyedLimit {
  /** Takes one token for `key`; `false` when the key is over its limit. */
  take(key: string): boolean;
  /** Whole seconds until `key` has a token again (≥ 1 when it has none; 0 when it has one). */
  retryAfterSeconds(key: string): number;
  /** Buckets held (never more than `maxKeys`). */
  readonly size: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const MINUTE_MS = 60_000;

export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  const capacity = Math.floor(opts.perMinute);
  if (!(capacity > 0)) return { take: () => true, retryAfterSeconds: () => 0, admit: async () => ADMITTED, size: 0 };
  const perMs = capacity / MINUTE_MS;
  const maxKeys = opts.maxKeys ?? 10_000;
  const buckets = new Map<string, Bucket>();

  const refill = (key: string): Bucket => {
    const now = opts.nowMs();
    const bucket = buckets.get(key);
    if (!bucket) return { tokens: capacity, at: now };
    const elapsed = Math.max(0, now - bucket.at);
    return { tokens: Math.min(capacity, bucket.tokens + elapsed * perMs), at: now };
  };

  const store = (key: string, bucket: Bucket): void => {
    buckets.delete(key);
    buckets.set(key, bucket);
    if (buckets.size <= maxKeys) return;
    const oldest = buckets.keys().next().value;
    if (oldest !== undefined) buckets.delete(oldest);
  };

  const limiter: RateLimiter = {
    get size() {
      return buckets.size;
    },
    take(key) {
      const bucket = refill(key);
      if (bucket.tokens < 1) {
        store(key, bucket);
        return false;
      }
      store(key, { tokens: bucket.tokens - 1, at: bucket.at });
      return true;
    },
    retryAfterSeconds(key) {
      const bucket = refill(key);
      if (bucket.tokens >= 1) return 0;
      return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
    },
    admit: async (key) => (limiter.take(key) ? ADMITTED : { admitted: false, retryAfterSeconds: limiter.retryAfterSeconds(key) }),
  };
  return limiter;
}

/**
 * Takes one token for the verified `issuer` or throws 429 `rate-limited` with Retry-After. One
 * limiter serves every call an EHR authenticates for (service calls, feedback, acknowledgements):
 * the limit is per issuer, not per endpoint.
 */
export async function admit(limit: KeyedLimit, issuer: string, res: Response): Promise<void> {
  const decision = await limit.admit(issuer);
  if (decision.admitted) return;
  res.setHeader('Retry-After', String(decision.retryAfterSeconds));
  throw new AppError('rate-limited');
}
