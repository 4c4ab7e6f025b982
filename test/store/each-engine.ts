import { afterAll, beforeAll, describe } from 'vitest';
import { createPgSql } from '../../src/store/pg-sql.js';
import { createPgliteSql, MEMORY_DATA_DIR } from '../../src/store/pglite-sql.js';
import type { Sql } from '../../src/store/sql.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { createDatabase } from './postgres-target.js';

/**
 * `suite` on both engines: PGlite in memory, and a PostgreSQL server started for the block (a fresh
 * database per `open`; the block skipped, with its reason, where no server can start).
 * `postgresOnly` adds tests to the server's block, with the running server.
 */
export function onEachEngine(
  name: string,
  suite: (engine: string, open: () => Promise<Sql>) => void,
  postgresOnly?: (server: () => PostgresServer) => void,
): void {
  describe('PGlite', () => suite('PGlite', () => createPgliteSql(MEMORY_DATA_DIR)));
  const skip = postgresSkipReason(name);
  describe.skipIf(skip !== undefined)('PostgreSQL', () => {
    let server: PostgresServer;
    beforeAll(async () => {
      server = await startPostgres();
    }, 120_000);
    afterAll(() => server?.stop());
    suite('PostgreSQL', async () => createPgSql(await createDatabase(server)));
    postgresOnly?.(() => server);
  });
}
