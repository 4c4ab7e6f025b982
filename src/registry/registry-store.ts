/**
 * The provincial registry port (ZJ-2023 Art.6 资源系统, Art.39 electronic certificates). The
 * interface and record types live in src/orders/credential-records.ts (pure, so the order checks
 * depend on the port without importing this adapter folder); re-exported here for adapters.
 */
export type {
  BusinessIdentifier,
  CertificateRecord,
  LicenceRecord,
  NiptCooperation,
  OrganizationCredentials,
  OrganizationKeys,
  PractitionerCredentials,
  PractitionerKeys,
  RegistryBatch,
  RegistryContents,
  RegistryFind,
  RegistryMatch,
  RegistryStore,
  UpsertSummary,
} from '../orders/credential-records.js';
