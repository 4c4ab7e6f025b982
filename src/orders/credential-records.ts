import type { MchTechnique } from '../clinical/codes.js';

/**
 * Credential records: certificates (《母婴保健技术考核合格证书》 or an annotated 《医师执业证书》,
 * ZJ-2023 Art.15) and institution licences (《母婴保健技术服务执业许可证》, Art.3, 10-13), as read
 * from the EHR's FHIR data (docs/rules.md#credential-data shape) or from the provincial registry import (Art.6, 39).
 *
 * Dates are kept as written (FHIR date / dateTime, possibly partial); rules parse them and report an
 * unusable one instead of guessing. Ids are bare (`p1`, not `Practitioner/p1`).
 */
export type CredentialSource = 'registry' | 'ehr';

export const CERTIFICATE_TYPES = ['assessment-certificate', 'annotated-physician-licence'] as const;
export type CertificateType = (typeof CERTIFICATE_TYPES)[number];

export const INSTITUTION_ROLES = ['prenatal-diagnosis-institution', 'prenatal-screening-institution'] as const;
export type InstitutionRole = (typeof INSTITUTION_ROLES)[number];

/** One certificate qualification for one technique (Practitioner.qualification). */
export interface CertificateRecord {
  readonly practitionerId: string;
  readonly technique: MchTechnique;
  /** Certificate number (qualification.identifier.value); the registry's natural key with technique. */
  readonly number?: string;
  readonly type?: CertificateType;
  readonly issuer?: string;
  /** Validity (qualification.period); an absent end means open-ended. */
  readonly validFrom?: string;
  readonly validTo?: string;
  /** Last professional training for this technique (extension mch-last-training; Art.19). */
  readonly lastTraining?: string;
}

/** One institution licence (extension mch-licence on Organization). */
export interface LicenceRecord {
  readonly organizationId: string;
  /** Licence number; the registry's natural key. */
  readonly number: string;
  readonly techniques: readonly MchTechnique[];
  readonly validFrom?: string;
  readonly validTo?: string;
  /** Last verification (校验, Art.13). */
  readonly lastVerified?: string;
}

/** NIPT cooperation agreement with a prenatal-diagnosis institution (Art.29, 37). */
export interface NiptCooperation {
  readonly partnerOrganizationId?: string;
  readonly validFrom?: string;
  readonly validTo?: string;
}

/** What is known about one practitioner from one source. */
export interface PractitionerCredentials {
  readonly practitionerId: string;
  readonly name?: string;
  /** Organizations the practitioner works for (from PractitionerRole / the CSV), for reports. */
  readonly organizationIds: readonly string[];
  readonly certificates: readonly CertificateRecord[];
}

/** What is known about one organization from one source. */
export interface OrganizationCredentials {
  readonly organizationId: string;
  readonly name?: string;
  readonly institutionRole?: InstitutionRole;
  readonly licences: readonly LicenceRecord[];
  readonly niptCooperation: readonly NiptCooperation[];
}

/** Everything the registry holds (for reports). */
export interface RegistryContents {
  readonly practitioners: readonly PractitionerCredentials[];
  readonly organizations: readonly OrganizationCredentials[];
}

/** A batch to upsert: records keyed by their natural keys. */
export interface RegistryBatch {
  readonly practitioners: readonly {
    readonly practitionerId: string;
    readonly name?: string;
    readonly organizationIds?: readonly string[];
  }[];
  /** Organization facts; an absent field keeps the stored value (CSV rows carry no cooperation). */
  readonly organizations: readonly (Omit<OrganizationCredentials, 'licences' | 'niptCooperation'> & {
    readonly niptCooperation?: readonly NiptCooperation[];
  })[];
  readonly certificates: readonly CertificateRecord[];
  readonly licences: readonly LicenceRecord[];
}

export interface UpsertSummary {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
}

/**
 * The provincial registry port (ZJ-2023 Art.6 资源系统, Art.39 electronic certificates). Narrow and
 * async: an in-memory adapter now (src/registry), PostgreSQL later, same contract.
 *
 * Upserts are idempotent by natural key: a certificate by (number, technique), a licence by number,
 * a practitioner / organization by id. A certificate or licence in a batch replaces the stored one
 * with that key; practitioner / organization facts are merged (absent fields keep the stored value,
 * organization ids accumulate). Nothing is deleted by an import. Upserting the same batch twice
 * changes nothing (`unchanged` counts it).
 *
 * The port lives in src/orders (pure) so the order checks can depend on it without importing an
 * adapter folder; src/registry re-exports it.
 */
export interface RegistryStore {
  upsert(batch: RegistryBatch): Promise<UpsertSummary>;
  practitioner(practitionerId: string): Promise<PractitionerCredentials | undefined>;
  organization(organizationId: string): Promise<OrganizationCredentials | undefined>;
  list(): Promise<RegistryContents>;
}
