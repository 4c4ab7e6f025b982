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
  /**
   * The institution the registry lists this certificate under (the CSV row's `organization_id`), when
   * it says: an institution's QC view shows a practitioner it shares with another institution
   * without that institution's certificates.
   */
  readonly organizationId?: string;
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

/** A business identifier (FHIR Identifier: system + value), e.g. a practising-certificate code. */
export interface BusinessIdentifier {
  readonly system: string;
  readonly value: string;
}

/** What is known about one practitioner from one source. */
export interface PractitionerCredentials {
  readonly practitionerId: string;
  readonly name?: string;
  /** Business identifiers (Practitioner.identifier), sorted by system then value; absent when none. */
  readonly identifiers?: readonly BusinessIdentifier[];
  /** Organizations the practitioner works for (from PractitionerRole / the CSV), for reports. */
  readonly organizationIds: readonly string[];
  readonly certificates: readonly CertificateRecord[];
}

/** What is known about one organization from one source. */
export interface OrganizationCredentials {
  readonly organizationId: string;
  readonly name?: string;
  /** Business identifiers (Organization.identifier: USCC…), sorted by system then value; absent when none. */
  readonly identifiers?: readonly BusinessIdentifier[];
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
    /** Identifiers given replace the stored ones of the same system; other systems are kept. */
    readonly identifiers?: readonly BusinessIdentifier[];
  }[];
  /**
   * Organization facts; an absent field keeps the stored value (CSV rows carry no cooperation).
   * Identifiers given replace the stored ones of the same system; other systems are kept.
   */
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

/** How a registry record was found (docs/rules.md#registry-matching): business keys first, resource id last. */
export const REGISTRY_MATCHES = ['identifier', 'certificate-number', 'licence-number', 'id'] as const;
export type RegistryMatch = (typeof REGISTRY_MATCHES)[number];

/** What a call knows of its practitioner: the EHR's identifiers, certificate numbers and resource id. */
export interface PractitionerKeys {
  /** Identifiers of the configured systems only (the caller filters and expands them: registry-keys.ts). */
  readonly identifiers?: readonly BusinessIdentifier[];
  readonly certificateNumbers?: readonly string[];
  readonly id?: string;
}

/** What a call knows of its organization: the EHR's identifiers (USCC…), licence numbers and resource id. */
export interface OrganizationKeys {
  readonly identifiers?: readonly BusinessIdentifier[];
  readonly licenceNumbers?: readonly string[];
  readonly id?: string;
}

/**
 * The answer of a keyed lookup. `found`: one record, and the first step that found it. `conflict`:
 * the first step with any hit named several records (`several-records`), or the id names a record
 * whose identifier of a system the call also sent has another value (`identifier-differs`: another
 * person or institution with a colliding resource id) — the registry then does not decide.
 */
export type RegistryFind<T> =
  | { readonly outcome: 'found'; readonly record: T; readonly match: RegistryMatch }
  | {
      readonly outcome: 'conflict';
      readonly match: RegistryMatch;
      readonly reason: 'several-records' | 'identifier-differs';
      /** Registry ids involved. */
      readonly ids: readonly string[];
    }
  | { readonly outcome: 'not-found' };

/**
 * The provincial registry port (ZJ-2023 Art.6 资源系统, Art.39 electronic certificates). Narrow and
 * async: an in-memory adapter (src/registry) and the SQL store (src/store), same contract.
 *
 * Upserts are idempotent by natural key: a certificate by (number, technique), a licence by number,
 * a practitioner / organization by id. A certificate or licence in a batch replaces the stored one
 * with that key; practitioner / organization facts are merged (absent fields keep the stored value,
 * organization ids accumulate, identifiers are replaced system by system). Nothing is deleted by an
 * import. Upserting the same batch twice changes nothing (`unchanged` counts it).
 *
 * `findPractitioner` / `findOrganization` look a holder up the way the provincial registry knows
 * it (docs/rules.md#registry-matching): by business identifier (any of `identifiers`), else by
 * certificate / licence number, else by resource id — the first step with a hit decides. Only
 * current records count (a certificate number moved to another practitioner leads to the new one).
 *
 * The port lives in src/orders (pure) so the order checks can depend on it without importing an
 * adapter folder; src/registry re-exports it.
 */
export interface RegistryStore {
  upsert(batch: RegistryBatch): Promise<UpsertSummary>;
  practitioner(practitionerId: string): Promise<PractitionerCredentials | undefined>;
  organization(organizationId: string): Promise<OrganizationCredentials | undefined>;
  findPractitioner(keys: PractitionerKeys): Promise<RegistryFind<PractitionerCredentials>>;
  findOrganization(keys: OrganizationKeys): Promise<RegistryFind<OrganizationCredentials>>;
  list(): Promise<RegistryContents>;
}
