import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as protocolResults, PGlite, protocol, type Transaction } from '@electric-sql/pglite';
import { AppError } from '../errors/app-error.js';
import { bindMessage, type BindValue } from './pglite-bind.js';
import { DURABLE_START_PARAMS, DurableNodeFS } from './pglite-durable-fs.js';
import { guarded, storeUnavailable, type QueryOptions, type Sql } from './sql.js';

/** `DATA_DIR` value that keeps the embedded database in memory (tests, throwaway runs). */
export const MEMORY_DATA_DIR = 'memory://';

/**
 * Named prepared statements on one PGlite instance, through its public protocol interface: PGlite's
 * `query` sends Parse and Describe for every call (the statement is parsed, analysed and planned
 * each time: most of a multi-table INSERT's cost in WebAssembly), and it has no prepared-statement
 * call of its own (a SQL `EXECUTE` cannot take `$n` parameters). A named statement is parsed once
 * with `execProtocol` and PGlite's exported protocol serializer; later calls send Bind, Describe,
 * Execute and Sync in one message, the Bind written natively (./pglite-bind.ts: the same bytes,
 * 0.4 ms less a referral write). The rows go through PGlite's exported result parser, the one its
 * `query` uses, so they come back typed exactly as from `query`. `execProtocol` takes no lock of
 * PGlite's: every exchange runs under `runExclusive` (the lock PGlite's own statements take), and
 * the caller keeps transactions out (PGlite's `transaction` around it, or the adapter's lock).
 */
function preparedStatements(db: PGlite) {
  const { serialize } = protocol;
  /** name → parameter type OIDs, for statements that exist on this connection. */
  const prepared = new Map<string, readonly number[]>();
  const exec = async (message: Uint8Array, syncToFs = false) => (await db.execProtocol(message, { syncToFs })).messages;

  /** `autocommit`: outside any transaction, so the Sync commits it (and PGlite syncs its file system, as its `query` does then). */
  return async <T extends object>(name: string, text: string, params: readonly unknown[], autocommit: boolean): Promise<T[]> =>
    db.runExclusive(async () => {
      let types = prepared.get(name);
      if (types === undefined) {
        try {
          await exec(serialize.parse({ name, text }));
          // From here the statement exists on the connection, whatever happens next: never Parse it
          // again (unknown parameter types are sent as text, as PGlite's `query` does).
          prepared.set(name, (types = []));
          const described = await exec(serialize.describe({ type: 'S', name }));
          prepared.set(name, (types = Object.freeze(protocolResults.parseDescribeStatementResults(described))));
        } finally {
          await exec(serialize.sync());
        }
      }
      const t = types;
      const values = params.map((v, i): BindValue => {
        if (v === null || v === undefined) return null;
        if (v instanceof Uint8Array) return v; // a binary parameter (textArrayBinary): sent as it is
        const serializer = db.serializers[t[i] ?? 0];
        return serializer ? (serializer(v) as BindValue) : String(v);
      });
      // One round: after an error the server skips to the Sync, which ends the implicit transaction
      // of a statement run outside BEGIN (committing it, or rolling it back on error).
      const messages = await exec(bindMessage(name, values, DESCRIBE_EXECUTE_SYNC), autocommit);
      return (protocolResults.parseResults(messages, db.parsers)[0]?.rows ?? []) as T[];
    });
}

/** Describe (the unnamed portal), Execute (all rows) and Sync: the same bytes after every Bind. */
const DESCRIBE_EXECUTE_SYNC = Buffer.concat([
  protocol.serialize.describe({ type: 'P' }),
  protocol.serialize.execute({}),
  protocol.serialize.sync(),
]);

type Prepared = ReturnType<typeof preparedStatements>;

/**
 * The parameters of a statement without a name, for PGlite's `query`, which turns every value into
 * text with its type's serializer: a binary parameter (a Buffer) would arrive mangled, so it is
 * refused here. Named statements send it as it is.
 */
function textParams(params: readonly unknown[]): unknown[] {
  // Thrown outside `guarded`: a mistake in the code, not the store being unavailable.
  if (params.some((v) => v instanceof Uint8Array)) throw new TypeError('a binary parameter needs a named statement on the embedded store');
  return [...params];
}

/** `query` inside a transaction: a named statement goes through `prepared`. */
function queryIn(tx: Transaction, prepared: Prepared) {
  return async <T extends object>(text: string, params: readonly unknown[] = [], options: QueryOptions = {}): Promise<T[]> => {
    const unnamed = options.name === undefined ? textParams(params) : undefined;
    return guarded(async () => (unnamed ? (await tx.query<T>(text, unnamed)).rows : prepared<T>(options.name!, text, params, false)));
  };
}

/**
 * One caller at a time, in call order: the adapter's own lock around every statement and
 * transaction outside a transaction. PGlite's `query` and `transaction` already exclude each other,
 * but a named statement goes round them (`execProtocol`): without this lock it could run between
 * the statements of another caller's open transaction, and commit or roll back with it.
 */
function serialised() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
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
 * connection: statements and transactions take turns, in call order. `template` reads a
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
  const exclusive = serialised();
  const sql: Sql = {
    // A named statement outside a transaction is autocommitted: one exchange, no BEGIN and COMMIT.
    async query<T extends object>(text: string, params: readonly unknown[] = [], options: QueryOptions = {}): Promise<T[]> {
      const unnamed = options.name === undefined ? textParams(params) : undefined;
      return exclusive(() =>
        guarded(async () => (unnamed ? (await db.query<T>(text, unnamed)).rows : prepared<T>(options.name!, text, params, true))),
      );
    },
    transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      return exclusive(async () => {
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
      });
    },
    close() {
      closed ??= guarded(() => db.close());
      return closed;
    },
  };
  return { db, sql };
}
