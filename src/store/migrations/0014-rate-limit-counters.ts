import type { Migration } from './migration.js';

/**
 * Rate-limit counters shared by replicas (docs/design.md#shared-rate-limit): one row per limiter (`issuer`,
 * `auth-failure`), key (the verified issuer, the client address) and fixed one-minute window, whose
 * `n` each request raises by one (`INSERT … ON CONFLICT DO UPDATE … RETURNING n`). Not audit: rows
 * are updated and windows before the previous one are deleted. UNLOGGED: a counter is worth nothing
 * after a crash, and writing it costs no WAL flush (a crash empties the table; the limit then
 * starts afresh for the current minute). The embedded store has the table too (one schema) but
 * counts in its process.
 */
export const migration0014: Migration = {
  version: 14,
  name: 'rate-limit-counters',
  statements: [
    `CREATE UNLOGGED TABLE rate_limit_counter (
  limiter text NOT NULL,
  key text NOT NULL,
  window_start timestamptz NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (limiter, key, window_start)
)`,
    'CREATE INDEX rate_limit_counter_window ON rate_limit_counter (window_start)',
  ],
};
