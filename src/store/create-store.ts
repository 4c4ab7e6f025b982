import type { Config } from '../config/schema.js';
import { createAuditStore, type AuditStore } from './audit-store.js';
import { migrate, type MigrationReport } from './migrate.js';
import type { PgSqlOptions } from './pg-sql.js';
import { lockDataDir, type LockHolder } from './data-dir-lock.js';
import { createPgliteSql, MEMORY_DATA_DIR } from './pglite-sql.js';
import { readTemplate } from './pglite-template.js';
import type { Sql } from './sql.js';
import { createWriteHealth } from './write-health.js';

/** An opened, migrated store: the audit store, the SQL it runs on (for the registry), and how to close. */
export interface OpenedStore {
  readonly audit: AuditStore;
  readonly sql: Sql;
  readonly migration: MigrationReport;
  /** Which engine: `postgres` (DATABASE_URL) or `pglite` (DATA_DIR). */
  readonly engine: 'postgres' | 'pglite';
  /** The holder of `DATA_DIR`'s lock that this store took over because its process was gone (./data-dir-lock.ts). */
  readonly lockTakenOver?: LockHolder;
  /** Readiness (`GET /readyz`): rejects while the last write failed and a probe write fails too (./write-health.ts). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** What opening the store reads of the configuration (the PostgreSQL bounds default when absent). */
export type StoreConfig = Pick<Config, 'databaseUrl' | 'dataDir'> &
  Partial<Pick<Config, 'dbStatementTimeoutMs' | 'qcStatementTimeoutMs' | 'dbConnectTimeoutMs' | 'dbPoolAcquireTimeoutMs'>>;

/**
 * Opens the Sql the configuration asks for: `DATABASE_URL` set ⇒ pg, else PGlite in `dataDir` (§6),
 * from the built template when the directory is new and one matches this code (./pglite-template.ts).
 */
export async function openSql(
  config: StoreConfig,
  pgOptions?: PgSqlOptions,
): Promise<{ sql: Sql; engine: OpenedStore['engine']; lockTakenOver?: LockHolder }> {
  if (config.databaseUrl) {
    // Loaded only when used: the embedded store's start does not pay for the pg driver.
    const { createPgSql } = await import('./pg-sql.js');
    return { sql: createPgSql(config.databaseUrl, pgBounds(config, pgOptions)), engine: 'postgres' };
  }
  if (config.dataDir === MEMORY_DATA_DIR) return { sql: await createPgliteSql(config.dataDir, () => readTemplate()), engine: 'pglite' };
  // One process per data directory (docs/design.md#data-dir-lock), locked before PGlite opens a file.
  const lock = lockDataDir(config.dataDir);
  try {
    const sql = await createPgliteSql(config.dataDir, () => readTemplate());
    const closing: Sql = { ...sql, close: () => sql.close().finally(() => lock.release()) };
    return { sql: closing, engine: 'pglite', ...(lock.takenOver ? { lockTakenOver: lock.takenOver } : {}) };
  } catch (err) {
    lock.release();
    throw err;
  }
}

/** The PostgreSQL bounds of the configuration (docs/design.md#store-bounds), `pgOptions` taking precedence. */
function pgBounds(config: StoreConfig, pgOptions?: PgSqlOptions): PgSqlOptions {
  return {
    statementTimeoutMs: config.dbStatementTimeoutMs,
    reportTimeoutMs: config.qcStatementTimeoutMs,
    connectTimeoutMs: config.dbConnectTimeoutMs,
    acquireTimeoutMs: config.dbPoolAcquireTimeoutMs,
    ...pgOptions,
  };
}

/** How long one migration statement may run on a server (an index over a large table takes a while). */
export const MIGRATION_STATEMENT_TIMEOUT_MS = 3_600_000;

/**
 * Migrates the store. On a server, through a connection of its own without the per-statement bound
 * of calls (`DB_STATEMENT_TIMEOUT_MS` would stop a long migration at every start).
 */
async function migrateStore(config: StoreConfig, sql: Sql, pgOptions?: PgSqlOptions): Promise<MigrationReport> {
  if (!config.databaseUrl) return migrate(sql);
  const { createPgSql } = await import('./pg-sql.js');
  const long = createPgSql(config.databaseUrl, {
    ...pgBounds(config, pgOptions),
    max: 1,
    statementTimeoutMs: MIGRATION_STATEMENT_TIMEOUT_MS,
  });
  try {
    return await migrate(long);
  } finally {
    await long.close().catch(() => undefined);
  }
}

/** The store on a migrated Sql: the audit store, its writes observed for readiness (./write-health.ts). */
export function assembleStore(sql: Sql, engine: OpenedStore['engine'], migration: MigrationReport): OpenedStore {
  const health = createWriteHealth(sql);
  return { audit: health.track(createAuditStore(sql)), sql, migration, engine, ready: () => health.ready(), close: () => sql.close() };
}

/**
 * Opens and migrates the store at start (docs/design.md#store). Rejects with
 * AppError('store-unavailable') if the database cannot be reached; the Sql is closed on failure.
 */
export async function createStore(config: StoreConfig, pgOptions?: PgSqlOptions): Promise<OpenedStore> {
  const { sql, engine, lockTakenOver } = await openSql(config, pgOptions);
  try {
    const store = assembleStore(sql, engine, await migrateStore(config, sql, pgOptions));
    return lockTakenOver ? { ...store, lockTakenOver } : store;
  } catch (err) {
    await sql.close().catch(() => undefined);
    throw err;
  }
}
