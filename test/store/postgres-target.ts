import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createPgSql } from '../../src/store/pg-sql.js';
import type { PostgresServer } from '../support/postgres-server.js';
import type { ContractTarget } from './audit-store.contract.js';

/** Creates an empty database on the test server (names are throwaway, the cluster is deleted after). */
export async function createDatabase(server: PostgresServer): Promise<string> {
  const name = `t_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client(server.url());
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return server.url(name);
}

/** The contract target on a real PostgreSQL server: each `fresh` is a new database; `another` a second pool. */
export function postgresTarget(server: () => PostgresServer): ContractTarget {
  return {
    async fresh() {
      const url = await createDatabase(server());
      return { sql: createPgSql(url), another: async () => createPgSql(url) };
    },
  };
}
