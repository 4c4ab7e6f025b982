import type { Sql } from './sql.js';

/**
 * Fixed-window request counters in the store (`rate_limit_counter`, migration 14), shared by every
 * replica on one PostgreSQL server (docs/design.md#shared-rate-limit). Implements `RateCounters`
 * (src/ports.ts).
 */
export interface SqlRateCounters {
  /** Adds one to (limiter, key, window) and returns the window's count: one statement, one round trip. */
  count(limiter: string, key: string, windowStart: string): Promise<number>;
  /** Deletes the windows that started before `before` (at most RATE_COUNTER_PRUNE_BATCH rows); returns how many. */
  prune(before: string): Promise<number>;
}

/** Most counter rows one `prune` deletes (each replica prunes once a minute per limiter). */
export const RATE_COUNTER_PRUNE_BATCH = 10_000;

const COUNT = `INSERT INTO rate_limit_counter (limiter, key, window_start, n) VALUES ($1, $2, $3::timestamptz, 1)
ON CONFLICT (limiter, key, window_start) DO UPDATE SET n = rate_limit_counter.n + 1 RETURNING n`;

const PRUNE = `WITH gone AS (DELETE FROM rate_limit_counter WHERE ctid IN (
  SELECT ctid FROM rate_limit_counter WHERE window_start < $1::timestamptz LIMIT $2) RETURNING 1)
SELECT count(*)::int AS n FROM gone`;

export function createSqlRateCounters(sql: Sql): SqlRateCounters {
  return {
    async count(limiter, key, windowStart) {
      // Prepared once per pooled connection: the hot statement is only bound and executed.
      const [row] = await sql.query<{ n: number }>(COUNT, [limiter, key, windowStart], { name: 'rate_limit_count' });
      return Number(row?.n ?? 0);
    },
    async prune(before) {
      const [row] = await sql.query<{ n: number }>(PRUNE, [before, RATE_COUNTER_PRUNE_BATCH]);
      return row?.n ?? 0;
    },
  };
}
