import type { ServiceRequest } from '@medplum/fhirtypes';
import type { UnresolvedReference } from '../fhir/snapshot.js';
import type { ReferralEvaluation } from '../referral/evaluate.js';
import type { PregnancyFacts } from '../clinical/finding-params.js';
import type { InstitutionRole, RegistryMatch } from '../orders/credential-records.js';

/** The two hooks the NIPT pathway runs at (docs/rules.md#nipt, docs/design.md#services). */
export type NiptHook = 'order-select' | 'order-sign';

/** One NIPT cooperation agreement of the ordering organization, with what we know of its partner. */
export interface CooperationFact {
  /** Bare Organization id of the partner, when the agreement names one. */
  readonly partnerOrganizationId?: string;
  readonly validFrom?: string;
  readonly validTo?: string;
  /** Where the agreement was read. */
  readonly source: 'registry' | 'ehr';
  /**
   * The partner's institution role as found in the registry or the snapshot: a role, `none` (the
   * partner is known but has no role), or `unknown` (the partner is neither in the snapshot nor in
   * the registry).
   */
  readonly partnerRole: InstitutionRole | 'none' | 'unknown';
  /** Which source stated the partner's role. */
  readonly partnerRoleSource?: 'registry' | 'ehr';
  /**
   * Why no source knows the partner (`partnerRole` `unknown`): `could not be fetched (…)` / `not in
   * the record`, and `not in the registry` / `registry unavailable` / a registry conflict.
   */
  readonly partnerUnverified?: string;
}

/**
 * The ordering institution as the NIPT pathway needs it (ZJ-2023 Art.28, 29, 37), gathered once
 * per hook call (the only async step: the registry port; see institution.ts).
 */
export interface InstitutionFacts {
  /** Bare Organization id of the ordering organization (PractitionerRole, else Encounter.serviceProvider). */
  readonly organizationId?: string;
  /** Whether any source (registry or the snapshot's Organization) knows the organization. */
  readonly known: boolean;
  /** The first role stated, in CERTIFICATE_SOURCE_ORDER. */
  readonly role?: InstitutionRole;
  readonly roleSource?: 'registry' | 'ehr';
  readonly cooperations: readonly CooperationFact[];
  /** The registry failed: only the EHR's data decided. */
  readonly registryUnavailable: boolean;
  /** How the registry record of the organization was found (src/registry/CSV.md#matching), when it was. */
  readonly registryMatch?: RegistryMatch;
  /** References consulted (`Organization/x`, `PractitionerRole/y`, `Encounter/z`) for evidence. */
  readonly evidence: readonly string[];
  /**
   * The reference behind the organization that could not be fetched (the user's PractitionerRole,
   * or the Organization; docs/design.md#reference-fetch): a refusal cannot be verified.
   */
  readonly unresolved?: UnresolvedReference;
}

/**
 * Facts of one NIPT order evaluation, derived once per hook call (pregnancy, Art.24 referral
 * evaluation, institution) plus the order itself. NIPT rules are `Rule<NiptFacts>` records.
 */
export interface NiptFacts {
  readonly order: ServiceRequest;
  /** `ServiceRequest/<id>` (or `ServiceRequest` when the draft has no id). */
  readonly orderRef: string;
  readonly hook: NiptHook;
  readonly pregnancy: PregnancyFacts;
  /** evaluateReferral() of the same snapshot (ZJ-2023 Art.24 indications, screening high risk). */
  readonly referral: ReferralEvaluation;
  readonly institution: InstitutionFacts;
}
