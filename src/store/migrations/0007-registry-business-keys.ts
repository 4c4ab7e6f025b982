import type { Migration } from './migration.js';

/**
 * The registry is looked up by business keys before resource ids (src/registry/CSV.md#matching):
 * identifiers of practitioners and organizations (kept in their facts' `record.identifiers`, GIN
 * `jsonb_path_ops` for `@>`), and certificate numbers (licence numbers are already the licence
 * key). These indexes let src/store/sql-registry-store.ts find the holder without reading a
 * version table whole.
 */
export const migration0007: Migration = {
  version: 7,
  name: 'registry-business-keys',
  statements: [
    "CREATE INDEX registry_practitioner_version_identifiers ON registry_practitioner_version USING gin ((record -> 'identifiers') jsonb_path_ops)",
    "CREATE INDEX registry_organization_version_identifiers ON registry_organization_version USING gin ((record -> 'identifiers') jsonb_path_ops)",
    'CREATE INDEX registry_certificate_version_number ON registry_certificate_version (number)',
  ],
};
