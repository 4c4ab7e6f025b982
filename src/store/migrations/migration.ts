/**
 * One versioned schema migration. Statements are kept one per string (PGlite's extended protocol
 * runs one statement per query; splitting SQL text on `;` would break function bodies), and the
 * same text runs on PGlite and on a PostgreSQL server. Never edit a released migration: add one.
 */
export interface Migration {
  /** Strictly increasing, from 1. */
  readonly version: number;
  /** Short kebab-case name, recorded in `schema_migrations`. */
  readonly name: string;
  readonly statements: readonly string[];
}

/** The triggers that make `table` append-only: any UPDATE, DELETE or TRUNCATE raises. */
export function appendOnly(table: string): string[] {
  return [
    `CREATE TRIGGER ${table}_no_update_delete BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_append_only()`,
    `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()`,
  ];
}
