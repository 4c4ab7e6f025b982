import pg from 'pg';
import { AppError } from '../errors/app-error.js';
import { guarded, storeUnavailable, type QueryOptions, type Sql } from './sql.js';
import { unreachableGate, withDeadline } from './store-deadline.js';

/** Bounds on waiting for the server (docs/design.md#store-bounds), ms. */
export interface PgBounds {
  /** Opening one connection gives up after this long (`DB_CONNECT_TIMEOUT_MS`). */
  readonly connectTimeoutMs: number;
  /** Waiting for a pooled connection, opening one included, gives up after this long (`DB_POOL_ACQUIRE_TIMEOUT_MS`). */
  readonly acquireTimeoutMs: number;
  /**
   * `statement_timeout` of every connection (`DB_STATEMENT_TIMEOUT_MS`): the server cancels a
   * longer statement. A server that does not answer at all is given up {@link ANSWER_MARGIN_MS} later.
   */
  readonly statementTimeoutMs: number;
  /** After the server did not answer in time, statements fail at once for this long. */
  readonly unreachableBackoffMs: number;
  /**
   * `statement_timeout` of a QC report read (`QueryOptions.report`, `QC_STATEMENT_TIMEOUT_MS`): a
   * province-year read takes longer than a hook call's statement (docs/design.md#qc-scale).
   */
  readonly reportTimeoutMs: number;
}

export const DEFAULT_PG_BOUNDS: PgBounds = Object.freeze({
  connectTimeoutMs: 5_000,
  acquireTimeoutMs: 5_000,
  statementTimeoutMs: 5_000,
  unreachableBackoffMs: 1_000,
  reportTimeoutMs: 120_000,
});

/** Connections of the report pool: one follow-up report reads with up to 6 statements at once. */
const REPORT_POOL_MAX = 8;

/** How much longer than `statement_timeout` the client waits for the server's own cancellation. */
export const ANSWER_MARGIN_MS = 1_000;

export interface PgSqlOptions extends Partial<PgBounds> {
  /** Pool size (default 10). */
  readonly max?: number;
  /** Called when an idle pooled connection fails (e.g. the server restarted); default: ignored. */
  readonly onIdleError?: (err: Error) => void;
}

type Run = <T extends object>(client: pg.PoolClient, text: string, params?: readonly unknown[], options?: QueryOptions) => Promise<T[]>;

/** A Sql bound to one checked-out connection inside BEGIN … COMMIT: nested calls join it. */
function inTransaction(client: pg.PoolClient, run: Run): Sql {
  const self: Sql = {
    // A report read joins the transaction's connection, bounded as its other statements are.
    query: (text, params, options) => guarded(() => run(client, text, params, options?.name === undefined ? {} : { name: options.name })),
    transaction: (fn) => fn(self),
    close: async () => undefined,
  };
  return self;
}

/** An error after which the connection is not reused: anything but an error the server reported. */
const breaksConnection = (err: unknown): Error | undefined =>
  err instanceof pg.DatabaseError ? undefined : err instanceof Error ? err : new Error(String(err));

/**
 * A `pg.Pool` on `DATABASE_URL` (docs/design.md#scale-out: N replicas share one PostgreSQL). Same
 * SQL as the PGlite adapter. Every wait on the server is bounded (PgBounds): a hung server gives
 * `store-unavailable` (503) within about acquire + statement timeout + margin, and then, for
 * `unreachableBackoffMs`, at once. A connection that failed or timed out is discarded, not reused.
 */
export function createPgSql(connectionString: string, options: PgSqlOptions = {}): Sql {
  const bounds: PgBounds = { ...DEFAULT_PG_BOUNDS, ...definedBounds(options) };
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: bounds.connectTimeoutMs,
    statement_timeout: bounds.statementTimeoutMs,
  });
  pool.on('error', (err) => options.onIdleError?.(err));
  /**
   * QC report reads (`QueryOptions.report`) have a pool of their own, opened at the first one: their
   * `statement_timeout` is `reportTimeoutMs`, JIT is off (compiling a report's plan cost seconds
   * and saved nothing: docs/design.md#qc-scale), and a long report never holds a connection the
   * hook calls wait for. A report statement waits for one of these connections (queued behind other
   * reports' statements, or opening one) as long as it may run: `reportTimeoutMs`, not the hook
   * calls' `acquireTimeoutMs` (pg-pool's `connectionTimeoutMillis` bounds the queue too).
   */
  let reportPool: pg.Pool | undefined;
  const reports = (): pg.Pool => {
    if (reportPool) return reportPool;
    reportPool = new pg.Pool({
      connectionString,
      max: REPORT_POOL_MAX,
      connectionTimeoutMillis: bounds.reportTimeoutMs,
      statement_timeout: bounds.reportTimeoutMs,
      options: '-c jit=off',
    });
    reportPool.on('error', (err) => options.onIdleError?.(err));
    return reportPool;
  };
  const gate = unreachableGate(bounds.unreachableBackoffMs);
  /** Connections whose statement we stopped waiting for: still busy with it, never to be used again. */
  const abandoned = new WeakSet<pg.PoolClient>();

  async function acquire(from: pg.Pool = pool): Promise<pg.PoolClient> {
    gate.check();
    try {
      // A connection that arrives after we stopped waiting goes straight back to the pool.
      const wait = from === pool ? bounds.acquireTimeoutMs : bounds.reportTimeoutMs;
      return await withDeadline(from.connect(), 'connection', wait, { late: (client) => client.release() });
    } catch (err) {
      gate.trip();
      throw err;
    }
  }

  // A named query is prepared once per pooled connection by pg itself (it tracks names per client).
  const run: Run = async <T extends object>(
    client: pg.PoolClient,
    text: string,
    params: readonly unknown[] = [],
    options: QueryOptions = {},
  ) => {
    const query = client.query<T & pg.QueryResultRow>(
      options.name ? { name: options.name, text, values: [...params] } : { text, values: [...params] },
    );
    const limit = options.report ? bounds.reportTimeoutMs : bounds.statementTimeoutMs;
    const result = await withDeadline(query, 'answer', limit + ANSWER_MARGIN_MS, {
      onTimeout: () => {
        abandoned.add(client);
        gate.trip();
      },
    });
    gate.reset();
    return result.rows;
  };

  let closed: Promise<void> | undefined;
  return {
    query: <T extends object>(text: string, params?: readonly unknown[], options?: QueryOptions) =>
      guarded(async () => {
        const client = await acquire(options?.report ? reports() : pool);
        let broken: Error | undefined;
        try {
          return await run<T>(client, text, params, options);
        } catch (err) {
          broken = breaksConnection(err);
          throw err;
        } finally {
          client.release(broken);
        }
      }),
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await guarded(acquire);
      let broken: Error | undefined;
      try {
        await guarded(() => run(client, 'BEGIN'));
        let result: T;
        try {
          result = await fn(inTransaction(client, run));
        } catch (error) {
          // A connection still waiting on an abandoned statement is discarded: its transaction ends with it.
          if (abandoned.has(client)) broken = new Error('statement abandoned');
          else
            await run(client, 'ROLLBACK').catch((e: unknown) => {
              broken = breaksConnection(e) ?? (e as Error);
            });
          throw error;
        }
        await run(client, 'COMMIT').catch((e: unknown) => {
          broken = breaksConnection(e) ?? (e as Error);
          throw storeUnavailable(e);
        });
        return result;
      } catch (err) {
        if (err instanceof AppError && err.code === 'store-unavailable') broken ??= err;
        throw err;
      } finally {
        client.release(broken);
      }
    },
    close() {
      closed ??= guarded(() => Promise.all([pool.end(), reportPool?.end()]).then(() => undefined));
      return closed;
    },
  };
}

/** The bounds given, without `undefined` (so the defaults fill the gaps). */
function definedBounds(options: PgSqlOptions): Partial<PgBounds> {
  return Object.fromEntries(
    (Object.keys(DEFAULT_PG_BOUNDS) as (keyof PgBounds)[]).flatMap((k) => (options[k] === undefined ? [] : [[k, options[k]]])),
  );
}
