import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { AppError } from '../errors/app-error.js';
import { guarded, storeUnavailable, type Sql } from './sql.js';

/** `DATA_DIR` value that keeps the embedded database in memory (tests, throwaway runs). */
export const MEMORY_DATA_DIR = 'memory://';

type Queryable = Pick<PGlite, 'query'> | Pick<Transaction, 'query'>;

function queryOn(db: Queryable) {
  return async <T extends object>(text: string, params: readonly unknown[] = []): Promise<T[]> =>
    guarded(async () => (await db.query<T>(text, [...params])).rows);
}

/** A Sql already inside a transaction: nested `transaction` calls join it. */
function inTransaction(tx: Transaction): Sql {
  const self: Sql = {
    query: queryOn(tx),
    transaction: (fn) => fn(self),
    close: async () => undefined,
  };
  return self;
}

/**
 * Opens the embedded PostgreSQL (PGlite, shared/DESIGN.md §5) in `dataDir` (created if absent; a
 * relative path is taken from the working directory), or in memory for `memory://`. PGlite is one
 * connection: statements and transactions are serialised by its own mutex. `template` reads a
 * dumped data directory (./pglite-template.ts); it is called, and the dump unpacked instead of
 * running `initdb`, only when there is no database yet. An existing database is opened as it is.
 */
export async function createPgliteSql(dataDir: string, template?: () => Blob | undefined): Promise<Sql> {
  return (await openPglite(dataDir, template)).sql;
}

/** Whether `dataDir` is a directory on disk that already holds a PostgreSQL cluster. */
function holdsDatabase(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

/** createPgliteSql, also giving the PGlite instance (for dumping a template). */
export async function openPglite(dataDir: string, template?: () => Blob | undefined): Promise<{ db: PGlite; sql: Sql }> {
  const db = await guarded(async () => {
    const onDisk = dataDir !== MEMORY_DATA_DIR && !dataDir.startsWith('idb://');
    if (onDisk) await mkdir(dataDir, { recursive: true });
    const fresh = dataDir === MEMORY_DATA_DIR || (onDisk && !holdsDatabase(dataDir));
    // Read only for a new database: an existing one never needs the (several MB) template.
    const loadDataDir = fresh ? template?.() : undefined;
    return PGlite.create(dataDir, loadDataDir ? { loadDataDir } : {});
  });
  let closed: Promise<void> | undefined;
  const sql: Sql = {
    query: queryOn(db),
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      let failure: { error: unknown } | undefined;
      try {
        return await db.transaction(async (tx) => {
          try {
            return await fn(inTransaction(tx));
          } catch (error) {
            failure = { error };
            throw error;
          }
        });
      } catch (err) {
        if (failure) throw failure.error;
        throw err instanceof AppError ? err : storeUnavailable(err);
      }
    },
    close() {
      closed ??= guarded(() => db.close());
      return closed;
    },
  };
  return { db, sql };
}
