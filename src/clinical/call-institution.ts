import type { Organization } from '@medplum/fhirtypes';
import type { InstitutionSource } from '../engine/service.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import type { OrderingContext } from './ordering-context.js';
import type { Policy } from './policy.js';

/** The institution a hook call is made for, and how it was found. */
export interface CallInstitution {
  /** Organization id (without `Organization/`). */
  readonly id: string;
  readonly via: InstitutionSource;
  /** The Organization resource, when the record holds it (its name is printed on the notice). */
  readonly organization?: Organization;
}

/**
 * The institution of a hook call (docs/design.md#institution), from the call first: the user's
 * PractitionerRole organization → the encounter's serviceProvider → the institution bound to the
 * verified issuer/tenant in TRUSTED_ISSUERS → the policy default (single-hospital installs).
 * `undefined` when none of them names one. Pure: the snapshot, its ordering context (resolved once
 * per call by the caller, `resolveOrderingContext`), the issuer's binding, the policy.
 */
export function callInstitution(
  snapshot: PatientSnapshot,
  ordering: OrderingContext,
  issuerInstitution: string | undefined,
  policy: Policy,
): CallInstitution | undefined {
  const found: Omit<CallInstitution, 'organization'> | undefined =
    ordering.organizationId && ordering.organizationVia
      ? { id: ordering.organizationId, via: ordering.organizationVia }
      : issuerInstitution
        ? { id: issuerInstitution, via: 'issuer' }
        : policy.institution.id
          ? { id: policy.institution.id, via: 'policy' }
          : undefined;
  if (!found) return undefined;
  const r = snapshot.byReference(`Organization/${found.id}`);
  return r?.resourceType === 'Organization' ? { ...found, organization: r } : found;
}
