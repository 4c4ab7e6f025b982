import { AppError } from '../errors/app-error.js';

/** A row value as both drivers return it (timestamps may be `Date`, int8 may be a string). */
export type SqlValue = string | number | boolean | null | Date | readonly unknown[] | Record<string, unknown>;

/** Options of one statement. */
export interface QueryOptions {
  /**
   * Run it as this named prepared statement: parsed and planned once per connection, then only
   * bound and executed. For hot statements whose text comes from a small fixed set; one name per
   * text (callers derive the name from the text). Same rows as without a name. Outside a
   * transaction it is autocommitted on both engines: one statement, all or nothing.
   */
  readonly name?: string;
  /**
   * A QC report read (docs/design.md#qc-scale): on PostgreSQL it runs on the report connections,
   * bounded by `QC_STATEMENT_TIMEOUT_MS` instead of `DB_STATEMENT_TIMEOUT_MS`, with JIT off; PGlite
   * (no statement timeout, no JIT) runs it as any other. Inside a transaction it runs there.
   */
  readonly report?: boolean;
}

/**
 * The tiny SQL port the audit store is written against. Two adapters run the **same SQL** (no
 * dialect branches): PGlite (embedded, src/store/pglite-sql.ts) and a `pg.Pool` against a
 * PostgreSQL server (src/store/pg-sql.ts).
 *
 * Conventions the store keeps so both drivers agree: one statement per `query` (PGlite's extended
 * protocol takes one); JSON goes in as text with a `::jsonb` cast; no int8 in result rows (PGlite
 * returns numbers, pg strings) — cast to `text` or `int`; timestamps come back as `Date` or text
 * and are normalised by src/store/row-values.ts.
 *
 * Every driver failure (connection refused, server gone, constraint or trigger violation) is thrown
 * as `AppError('store-unavailable')` with the driver error as `cause`: the HTTP layer answers 503
 * and nothing is acknowledged that was not stored. Errors thrown by a transaction callback itself
 * pass through unchanged (after the rollback).
 */
export interface Sql {
  /** Runs one statement with `$1…` parameters and returns its rows. */
  query<T extends object = Record<string, unknown>>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<T[]>;
  /** Runs `fn` in one transaction (BEGIN … COMMIT; ROLLBACK if `fn` throws). Nested calls join the outer transaction. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Releases the connection(s) / closes the embedded database. Idempotent. */
  close(): Promise<void>;
}

/** Wraps a driver error as the catalogue's 503 (the cause is kept for the caller's log). */
export function storeUnavailable(cause: unknown): AppError {
  return new AppError('store-unavailable', [], { cause });
}

/** Runs a driver call, mapping any failure to `store-unavailable` (an AppError passes through). */
export async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw err instanceof AppError ? err : storeUnavailable(err);
  }
}
