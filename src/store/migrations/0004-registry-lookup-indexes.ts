import type { Migration } from './migration.js';

/**
 * The hook calls' registry reads go by practitioner (certificates) and by organization (licences),
 * which are not the version tables' keys: these indexes let them (src/store/sql-registry-store.ts)
 * read that holder's rows only, not the whole certificate or licence history.
 */
export const migration0004: Migration = {
  version: 4,
  name: 'registry-lookup-indexes',
  statements: [
    'CREATE INDEX registry_certificate_version_practitioner ON registry_certificate_version (practitioner_id)',
    'CREATE INDEX registry_licence_version_organization ON registry_licence_version (organization_id)',
  ],
};
