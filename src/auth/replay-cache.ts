import { DEFAULT_REPLAY_CACHE_SIZE } from './auth-policy.js';

/**
 * Remembers `(iss, jti)` pairs of accepted tokens so a captured token cannot be replayed
 * (https://cds-hooks.hl7.org/2.0/#trusting-cds-clients: "jti … used to protect against replay
 * attacks"). One interface, two implementations: in the store (the service's own, on either engine:
 * it survives restarts and is shared by replicas, docs/design.md#scale-out) and in memory (an
 * authenticator built without a store).
 */
export interface ReplayCache {
  /**
   * Records the pair until `expiresAtSeconds` (epoch seconds). Resolves `true` the first time,
   * `false` when the pair is already remembered (a replay). Throws ReplayCacheFullError when it
   * cannot remember without forgetting a live entry; an implementation may throw an AppError
   * (e.g. `store-unavailable`), which the authenticator passes through unchanged.
   */
  remember(iss: string, jti: string, expiresAtSeconds: number): Promise<boolean>;
}

/** The cache is full of live entries; the token is refused rather than a live `jti` forgotten. */
export class ReplayCacheFullError extends Error {
  constructor(readonly capacity: number) {
    super(`replay cache full (${capacity} live entries)`);
    this.name = 'ReplayCacheFullError';
  }
}

export interface MemoryReplayCache extends ReplayCache {
  /** Entries currently held (live or not yet swept). */
  readonly size: number;
}

/**
 * Bounded in-memory replay cache. Entries expire at the time given by the caller (the
 * authenticator passes min(exp, iat + max age) + tolerance, so an entry lives minutes, whatever
 * `exp` claims). When full it first sweeps expired entries; if every entry is still live it
 * **refuses** the new token (fail closed): forgetting a live `jti` would reopen a replay window,
 * while refusing costs only availability, and only a trusted issuer with validly signed tokens
 * can fill it (remember is called after signature and claim checks).
 */
export function createMemoryReplayCache(opts: { nowSeconds: () => number; maxEntries?: number }): MemoryReplayCache {
  const capacity = opts.maxEntries ?? DEFAULT_REPLAY_CACHE_SIZE;
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('maxEntries must be a positive integer');
  /** key → expiry (epoch seconds); insertion order ≈ expiry order, so the head expires first. */
  const entries = new Map<string, number>();

  const dropExpiredHead = (now: number): void => {
    for (const [key, expiry] of entries) {
      if (expiry > now) return;
      entries.delete(key);
    }
  };
  const sweep = (now: number): void => {
    for (const [key, expiry] of entries) if (expiry <= now) entries.delete(key);
  };

  return {
    get size() {
      return entries.size;
    },
    async remember(iss, jti, expiresAtSeconds) {
      const now = opts.nowSeconds();
      const key = JSON.stringify([iss, jti]);
      const seen = entries.get(key);
      if (seen !== undefined && seen > now) return false;
      entries.delete(key);
      dropExpiredHead(now);
      if (expiresAtSeconds <= now) return true; // already unusable: nothing to remember
      if (entries.size >= capacity) sweep(now);
      if (entries.size >= capacity) throw new ReplayCacheFullError(capacity);
      entries.set(key, expiresAtSeconds);
      return true;
    },
  };
}

/** The store's replay table (`jti_seen`, docs/design.md#replay-cache), on either engine. */
export interface ReplayTable {
  /** Inserts the pair unless present: `true` if inserted, `false` if it was already there. */
  rememberJti(iss: string, jti: string, expiresAt: string): Promise<boolean>;
  /** Deletes (a bounded batch of) the pairs that expired before `before`; returns how many. */
  pruneJtis(before: string): Promise<number>;
}

/** Remembered pairs between two prunes of the replay table. */
export const DEFAULT_REPLAY_PRUNE_EVERY = 1_000;

/**
 * The replay cache in the store (`jti_seen`), for both engines: a token replayed after a restart,
 * or to another replica, is refused. It never refuses a new token for want of room: the table
 * holds the live pairs (bounded by the call rate times the token lifetime) plus at most
 * `pruneEvery` expired ones, because every `pruneEvery`-th remember — and the first after start,
 * for what an earlier process left — deletes the expired pairs. A failed prune is reported, never
 * a refusal; a failed insert rejects (`store-unavailable`, 503), so no token passes unrecorded.
 */
export function createStoreReplayCache(
  table: ReplayTable,
  opts: { nowSeconds: () => number; pruneEvery?: number; onPruneError?: (err: unknown) => void },
): ReplayCache {
  const pruneEvery = opts.pruneEvery ?? DEFAULT_REPLAY_PRUNE_EVERY;
  if (!Number.isInteger(pruneEvery) || pruneEvery < 1) throw new RangeError('pruneEvery must be a positive integer');
  let sincePrune = pruneEvery;
  const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();
  return {
    async remember(iss, jti, expiresAtSeconds) {
      const fresh = await table.rememberJti(iss, jti, iso(expiresAtSeconds));
      sincePrune += 1;
      if (sincePrune >= pruneEvery) {
        sincePrune = 0;
        await table.pruneJtis(iso(opts.nowSeconds())).catch((err: unknown) => opts.onPruneError?.(err));
      }
      return fresh;
    },
  };
}
