import type { Migration } from './migration.js';

/**
 * The hook calls' registry reads go by practitioner (certificates) and by organization (licences),
 * which are not the version tables' keys: without these indexes every order check read the whole
 * certificate or licence history (src/store/sql-registry-store.ts), growing with the registry.
 */
export const migration0004: Migration = {
  version: 4,
  name: 'registry-lookup-indexes',
  statements: [
    'CREATE INDEX registry_certificate_version_practitioner ON registry_certificate_version (practitioner_id)',
    'CREATE INDEX registry_licence_version_organization ON registry_licence_version (organization_id)',
  ],
};
