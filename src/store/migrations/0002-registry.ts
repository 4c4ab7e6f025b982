import { appendOnly, type Migration } from './migration.js';

/**
 * The provincial registry (ZJ-2023 Art.6, Art.39): certificates by (number, technique), licences by
 * number, practitioner and organization facts by id. A keyed upsert appends a new version row; the
 * current record is the latest version (the `registry_*` views). Nothing is updated in place, so
 * the history of every certificate and licence is kept and the tables are append-only like the
 * audit trail.
 */
const VERSIONED = [
  { table: 'registry_practitioner_version', view: 'registry_practitioner', key: 'practitioner_id', extra: '' },
  { table: 'registry_organization_version', view: 'registry_organization', key: 'organization_id', extra: '' },
  {
    table: 'registry_certificate_version',
    view: 'registry_certificate',
    key: 'certificate_key',
    extra: 'number text, technique text NOT NULL, practitioner_id text NOT NULL,',
  },
  { table: 'registry_licence_version', view: 'registry_licence', key: 'number', extra: 'organization_id text NOT NULL,' },
];

export const migration0002: Migration = {
  version: 2,
  name: 'registry',
  statements: VERSIONED.flatMap(({ table, view, key, extra }) => [
    `CREATE TABLE ${table} (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ${key} text NOT NULL,
  ${extra}
  record jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
)`,
    `CREATE INDEX ${table}_key ON ${table} (${key}, seq DESC)`,
    `CREATE VIEW ${view} AS SELECT DISTINCT ON (${key}) * FROM ${table} ORDER BY ${key}, seq DESC`,
    ...appendOnly(table),
  ]),
};
