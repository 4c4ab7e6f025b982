import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { createLogDedup } from '../log-dedup.js';
import type { Authenticate, RateCounters } from '../ports.js';
import type { EhrCallGate } from './auth-failure-limit.js';
import { ADMITTED, type KeyedLimit, type LimitDecision } from './rate-limit.js';

const MINUTE_MS = 60_000;

/** The limiters' names in `rate_limit_counter.limiter`. */
export type LimiterName = 'issuer' | 'auth-failure';

export interface SharedRateLimiter extends KeyedLimit {
  /** Requests admitted because the counter could not be read (the store failed): for a metric. */
  readonly failedOpen: number;
}

export interface SharedRateLimiterOptions {
  readonly limiter: LimiterName;
  /** Requests per key per minute; 0 = unlimited (nothing is counted). */
  readonly perMinute: number;
  /** Wall-clock milliseconds since the epoch: every replica must cut the same windows. */
  readonly nowMs: () => number;
  /** Told of every counter failure (the request was admitted) and every failed prune. */
  readonly onError: (err: unknown, what: 'count' | 'prune') => void;
}

/**
 * A limit shared by replicas (docs/design.md#shared-rate-limit): fixed one-minute windows counted in the
 * store, one statement per request (`RateCounters.count`). The key's `perMinute + 1`-th request in
 * a window, on any replica, is refused until the window ends. The first request of each window in
 * this process also deletes the windows before the previous one, without being held up by it.
 * When the store cannot count, the request is admitted (fail open), reported through `onError`
 * and counted in `failedOpen`: a verified call has already written its `jti` to the replay cache
 * in the same store (503 when that fails) and is answered only once its audit record is stored.
 */
export function createSharedRateLimiter(counters: RateCounters, opts: SharedRateLimiterOptions): SharedRateLimiter {
  const limit = Math.floor(opts.perMinute);
  let failedOpen = 0;
  if (!(limit > 0))
    return {
      admit: async () => ADMITTED,
      get failedOpen() {
        return failedOpen;
      },
    };
  let prunedWindow = Number.NEGATIVE_INFINITY;
  return {
    get failedOpen() {
      return failedOpen;
    },
    async admit(key): Promise<LimitDecision> {
      const now = opts.nowMs();
      const windowStart = now - (((now % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
      if (windowStart > prunedWindow) {
        prunedWindow = windowStart;
        const before = new Date(windowStart - MINUTE_MS).toISOString();
        void counters.prune(before).catch((err: unknown) => opts.onError(err, 'prune'));
      }
      let n: number;
      try {
        n = await counters.count(opts.limiter, key, new Date(windowStart).toISOString());
      } catch (err) {
        failedOpen += 1;
        opts.onError(err, 'count');
        return ADMITTED;
      }
      if (n <= limit) return ADMITTED;
      return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + MINUTE_MS - now) / 1000)) };
    },
  };
}

export interface SharedEhrCallGateOptions {
  readonly authenticate: Authenticate;
  readonly config: Pick<Config, 'rateLimitPerMinute' | 'authFailureLimitPerMinute'>;
  readonly counters: RateCounters;
  /** Wall-clock milliseconds since the epoch (the app's clock). */
  readonly nowMs: () => number;
  readonly logger: Logger;
}

/**
 * The EHR call gate of replicas on one PostgreSQL server: `RATE_LIMIT_PER_MINUTE` per verified
 * issuer and `AUTH_FAILURE_LIMIT_PER_MINUTE` per client address hold across every replica.
 * A failing counter is logged once per 10 s per kind (src/log-dedup.ts), with how many were left out.
 */
export function createSharedEhrCallGate(opts: SharedEhrCallGateOptions): EhrCallGate<SharedRateLimiter> {
  const dedup = createLogDedup({ nowMs: opts.nowMs });
  const onError = (limiter: LimiterName) => (err: unknown, what: 'count' | 'prune') => {
    const verdict = dedup(`rate-limit-${limiter}-${what}`);
    if (!verdict.log) return;
    const message = what === 'count' ? 'rate-limit counter unavailable: request admitted' : 'rate-limit counters not pruned';
    opts.logger.warn({ err, limiter, repeated: verdict.repeated }, message);
  };
  const shared = (limiter: LimiterName, perMinute: number) =>
    createSharedRateLimiter(opts.counters, { limiter, perMinute, nowMs: opts.nowMs, onError: onError(limiter) });
  return {
    authenticate: opts.authenticate,
    issuers: shared('issuer', opts.config.rateLimitPerMinute),
    failures: shared('auth-failure', opts.config.authFailureLimitPerMinute),
  };
}
