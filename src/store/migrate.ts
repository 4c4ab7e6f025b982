import { MIGRATIONS, type Migration } from './migrations/index.js';
import type { Sql } from './sql.js';

/** Advisory lock key serialising schema migration across replicas ("prenatal" on a phone pad). */
export const MIGRATION_LOCK_KEY = '77362825';

export interface MigrationReport {
  /** Versions applied by this call (empty when the schema was already current). */
  readonly applied: readonly number[];
  /** The schema version after the call. */
  readonly version: number;
}

/**
 * Brings the schema up to date, in one transaction, under a transaction-scoped advisory lock: two
 * replicas starting together apply each migration once (the second waits, then finds nothing to
 * do). Idempotent. A database newer than this code (unknown versions) is refused, not touched.
 */
export async function migrate(sql: Sql, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationReport> {
  return sql.transaction(async (tx) => {
    await tx.query('SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock($1::bigint)) AS l', [MIGRATION_LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`);
    const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    const done = new Set(rows.map((r) => Number(r.version)));
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...done].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw new Error(`database schema has versions this code does not know (${unknown.join(', ')}); refusing to start`);
    }
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      for (const statement of m.statements) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return { applied, version: Math.max(0, ...done, ...applied) };
  });
}
