import pg from 'pg';
import { AppError } from '../errors/app-error.js';
import { guarded, storeUnavailable, type QueryOptions, type Sql } from './sql.js';

export interface PgSqlOptions {
  /** Pool size (default 10). */
  readonly max?: number;
  /** Give up connecting after this long (default 10 s): a down server is a prompt 503, not a hang. */
  readonly connectionTimeoutMillis?: number;
  /** Called when an idle pooled connection fails (e.g. the server restarted); default: ignored. */
  readonly onIdleError?: (err: Error) => void;
}

type Client = Pick<pg.PoolClient, 'query'> | Pick<pg.Pool, 'query'>;

function queryOn(client: Client) {
  // A named query is prepared once per pooled connection by pg itself (it tracks names per client).
  return async <T extends object>(text: string, params: readonly unknown[] = [], options: QueryOptions = {}): Promise<T[]> =>
    guarded(
      async () =>
        (
          await client.query<T & pg.QueryResultRow>(
            options.name ? { name: options.name, text, values: [...params] } : { text, values: [...params] },
          )
        ).rows,
    );
}

/** A Sql bound to one checked-out connection inside BEGIN … COMMIT: nested calls join it. */
function inTransaction(client: pg.PoolClient): Sql {
  const self: Sql = {
    query: queryOn(client),
    transaction: (fn) => fn(self),
    close: async () => undefined,
  };
  return self;
}

/**
 * A `pg.Pool` on `DATABASE_URL` (docs/design.md#scale-out: N replicas share one PostgreSQL). Same
 * SQL as the PGlite adapter. A connection that failed mid-transaction is discarded, not reused.
 */
export function createPgSql(connectionString: string, options: PgSqlOptions = {}): Sql {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000,
  });
  pool.on('error', (err) => options.onIdleError?.(err));
  let closed: Promise<void> | undefined;
  return {
    query: queryOn(pool),
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await guarded(() => pool.connect());
      let broken: Error | undefined;
      try {
        await guarded(() => client.query('BEGIN'));
        let result: T;
        try {
          result = await fn(inTransaction(client));
        } catch (error) {
          await client.query('ROLLBACK').catch((e: Error) => {
            broken = e;
          });
          throw error;
        }
        await client.query('COMMIT').catch((e: Error) => {
          broken = e;
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
      closed ??= guarded(() => pool.end());
      return closed;
    },
  };
}
