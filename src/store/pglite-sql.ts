import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as protocolResults, PGlite, protocol, type Transaction } from '@electric-sql/pglite';
import { AppError } from '../errors/app-error.js';
import { DURABLE_START_PARAMS, DurableNodeFS } from './pglite-durable-fs.js';
import { guarded, storeUnavailable, type QueryOptions, type Sql } from './sql.js';

/** `DATA_DIR` value that keeps the embedded database in memory (tests, throwaway runs). */
export const MEMORY_DATA_DIR = 'memory://';

/**
 * Named prepared statements on one PGlite instance. PGlite's `query` sends Parse and Describe for
 * every call (the statement is parsed, analysed and planned each time: most of a multi-table
 * INSERT's cost in WebAssembly); a named statement is parsed once, and later calls send Bind,
 * Describe, Execute and Sync in one message, run by one `execProtocol`. Built from PGlite's
 * exported protocol serializer and result parser, the same pieces its `query` uses, so rows come
 * back typed exactly as from `query`. `execProtocol` takes no lock itself: the caller holds
 * PGlite's transaction lock (inside its `transaction`, or `autocommit` below).
 */
function preparedStatements(db: PGlite) {
  const { serialize } = protocol;
  /** name → parameter type OIDs, for statements that exist on this connection. */
  const prepared = new Map<string, readonly number[]>();
  const exec = async (message: Uint8Array) => (await db.execProtocol(message, { syncToFs: false })).messages;

  return async <T extends object>(name: string, text: string, params: readonly unknown[]): Promise<T[]> => {
    let types = prepared.get(name);
    if (types === undefined) {
      try {
        await exec(serialize.parse({ name, text }));
        // From here the statement exists on the connection, whatever happens next: never Parse it
        // again (unknown parameter types are sent as text, as PGlite's `query` does).
        prepared.set(name, (types = []));
        const described = await exec(serialize.describe({ type: 'S', name }));
        const description = described.find((m) => m.name === 'parameterDescription') as { dataTypeIDs?: number[] } | undefined;
        prepared.set(name, (types = Object.freeze([...(description?.dataTypeIDs ?? [])])));
      } finally {
        await exec(serialize.sync());
      }
    }
    const t = types;
    const values = params.map((v, i) => {
      if (v === null || v === undefined) return null;
      const serializer = db.serializers[t[i] ?? 0];
      return serializer ? serializer(v) : String(v);
    });
    // One round: after an error the server skips to the Sync, which ends the implicit transaction
    // of a statement run outside BEGIN (committing it, or rolling it back on error).
    const messages = await exec(bindDescribeExecuteSync(name, values));
    return (protocolResults.parseResults(messages, db.parsers)[0]?.rows ?? []) as T[];
  };
}

/** Describe (the unnamed portal), Execute (all rows) and Sync: the same bytes after every Bind. */
const DESCRIBE_EXECUTE_SYNC = Buffer.concat([protocol.serialize.describe({ type: 'P' }), protocol.serialize.execute({}), protocol.serialize.sync()]);

/**
 * Bind (statement `name`, unnamed portal, every parameter and result in text format) followed by
 * DESCRIBE_EXECUTE_SYNC, written into one buffer of the exact size: the bytes PGlite's
 * `protocol.serialize` gives (test/store/pglite-bind.test.ts), without its cost — it scans each string twice for its UTF-8
 * length in JS and grows a 256-byte buffer by copying, ≈ 0.1 ms on a hook call's audit write
 * (≈ 10 KB of JSON parameters). Lone surrogates become U+FFFD, as with its TextEncoder.
 */
export function bindDescribeExecuteSync(name: string, values: readonly (string | null)[]): Buffer {
  const lengths = values.map((v) => (v === null ? -1 : Buffer.byteLength(v, 'utf8')));
  // Length, portal "" (NUL), statement name and NUL, the parameter format codes (one 0 = text per
  // parameter), the parameter count, each parameter's length (-1 = NULL) and bytes, and 0 result
  // format codes (all text).
  let length = 4 + 1 + Buffer.byteLength(name, 'utf8') + 1 + 2 + 2 * values.length + 2 + 2;
  for (const n of lengths) length += 4 + Math.max(n, 0);
  const out = Buffer.allocUnsafe(1 + length + DESCRIBE_EXECUTE_SYNC.length);
  let at = out.writeUInt8(0x42, 0); // 'B'
  at = out.writeInt32BE(length, at);
  at = out.writeUInt8(0, at);
  at += out.write(name, at, 'utf8');
  at = out.writeUInt8(0, at);
  at = out.writeUInt16BE(values.length, at);
  for (let i = 0; i < values.length; i += 1) at = out.writeInt16BE(0, at);
  at = out.writeUInt16BE(values.length, at);
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    at = out.writeInt32BE(lengths[i] as number, at);
    if (typeof value === 'string') at += out.write(value, at, 'utf8');
  }
  at = out.writeInt16BE(0, at);
  DESCRIBE_EXECUTE_SYNC.copy(out, at);
  return out;
}

type Prepared = ReturnType<typeof preparedStatements>;

/** `query` inside a transaction: a named statement goes through `prepared`. */
function queryIn(tx: Transaction, prepared: Prepared) {
  return async <T extends object>(text: string, params: readonly unknown[] = [], options: QueryOptions = {}): Promise<T[]> =>
    guarded(async () => (options.name === undefined ? (await tx.query<T>(text, [...params])).rows : prepared<T>(options.name, text, params)));
}

/** A named statement outside any transaction, autocommitted (PGlite's transaction lock held). */
function autocommitOn(db: PGlite, prepared: Prepared) {
  return async <T extends object>(name: string, text: string, params: readonly unknown[] = []): Promise<T[]> =>
    guarded(() => db._runExclusiveTransaction(async () => {
      const rows = await prepared<T>(name, text, params);
      await db.syncToFs(); // as PGlite's `query` does after a statement outside a transaction
      return rows;
    }));
}

function queryOn(db: PGlite) {
  return async <T extends object>(text: string, params: readonly unknown[] = []): Promise<T[]> =>
    guarded(async () => (await db.query<T>(text, [...params])).rows);
}

/** A Sql already inside a transaction: nested `transaction` calls join it. */
function inTransaction(tx: Transaction, prepared: Prepared): Sql {
  const self: Sql = {
    query: queryIn(tx, prepared),
    transaction: (fn) => fn(self),
    close: async () => undefined,
  };
  return self;
}

/**
 * Opens the embedded PostgreSQL (PGlite, docs/design.md#store) in `dataDir` (created if absent; a
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
    // On disk, commits are fsynced (./pglite-durable-fs.ts); in memory there is no disk to reach.
    if (!onDisk) return PGlite.create(dataDir, loadDataDir ? { loadDataDir } : {});
    const fs = new DurableNodeFS(dataDir, { deferSyncs: loadDataDir !== undefined });
    const opened = await PGlite.create({ fs, startParams: [...DURABLE_START_PARAMS], ...(loadDataDir ? { loadDataDir } : {}) });
    if (loadDataDir) await fs.syncDataDir();
    return opened;
  });
  let closed: Promise<void> | undefined;
  const prepared = preparedStatements(db);
  const unnamed = queryOn(db);
  const autocommit = autocommitOn(db, prepared);
  const sql: Sql = {
    // A named statement outside a transaction is autocommitted: one exchange under PGlite's
    // transaction lock (which its `query` and `transaction` take too), no BEGIN and COMMIT.
    query: (text, params, options) => (options?.name === undefined ? unnamed(text, params) : autocommit(options.name, text, params)),
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      let failure: { error: unknown } | undefined;
      try {
        return await db.transaction(async (tx) => {
          try {
            return await fn(inTransaction(tx, prepared));
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
