import type { Encounter, Organization, Practitioner, PractitionerRole } from '@medplum/fhirtypes';
import type { PatientSnapshot, UnresolvedReference } from '../fhir/snapshot.js';
import { idOf } from '../fhir/references.js';

/**
 * Who orders, and for which institution (docs/rules.md#credential-data): `context.userId` is a Practitioner (its
 * PractitionerRole in the snapshot gives the organization) or a PractitionerRole (practitioner +
 * organization). Without a role organization, the Encounter's `serviceProvider` (encounter from
 * `context.encounterId`) is the institution. The licence follows the institution where the
 * certificate is used (ZJ-2023 Art.17). A role, practitioner or organization the loader could not
 * fetch (`snapshot.unresolved`, docs/design.md#reference-fetch) is named in
 * `practitionerUnresolved` / `organizationUnresolved`, so that the checks say "could not verify".
 */
export interface OrderingContext {
  readonly practitionerId?: string;
  /** The Practitioner resource, when the snapshot has it. */
  readonly practitioner?: Practitioner;
  /** `PractitionerRole/<id>` that decided the organization, if any. */
  readonly practitionerRole?: string;
  readonly organizationId?: string;
  readonly organization?: Organization;
  readonly organizationVia?: 'practitioner-role' | 'encounter';
  /** `Encounter/<id>` consulted, if any. */
  readonly encounter?: string;
  /**
   * The reference behind the practitioner that could not be fetched (the user's PractitionerRole,
   * or the Practitioner itself; docs/design.md#reference-fetch): the certificate cannot be verified.
   */
  readonly practitionerUnresolved?: UnresolvedReference;
  /** Likewise for the organization (the user's PractitionerRole, or the Organization itself). */
  readonly organizationUnresolved?: UnresolvedReference;
}

/**
 * The "could not verify" reason of a check whose subject could not be fetched, naming the
 * reference (`could not verify: Organization/x could not be fetched (fetch failed: http-status 404)`).
 */
export function unresolvedReason(u: UnresolvedReference): string {
  return `could not verify: ${u.reference} could not be fetched (${u.reason})`;
}

function encounterOf(snapshot: PatientSnapshot): Encounter | undefined {
  const id = snapshot.encounterId;
  if (!id) return undefined;
  const ref = id.includes('/') ? id : `Encounter/${id}`;
  const r = snapshot.byReference(ref);
  return r?.resourceType === 'Encounter' ? (r as Encounter) : undefined;
}

function pickRole(roles: readonly PractitionerRole[], preferOrg: string | undefined): PractitionerRole | undefined {
  const usable = roles.filter((r) => r.active !== false && idOf(r.organization, 'Organization'));
  return usable.find((r) => idOf(r.organization, 'Organization') === preferOrg) ?? usable[0];
}

/** Resolves the ordering practitioner and organization from the snapshot (pure, never throws). */
export function resolveOrderingContext(snapshot: PatientSnapshot): OrderingContext {
  const encounter = encounterOf(snapshot);
  const serviceProvider = idOf(encounter?.serviceProvider, 'Organization');
  const user = snapshot.userId ?? '';
  let practitionerId = idOf(user, 'Practitioner');
  let role: PractitionerRole | undefined;
  const roleId = idOf(user, 'PractitionerRole');
  if (roleId) {
    const r = snapshot.byReference(`PractitionerRole/${roleId}`);
    if (r?.resourceType === 'PractitionerRole') {
      role = r as PractitionerRole;
      practitionerId = idOf(role.practitioner, 'Practitioner');
    }
  } else if (practitionerId) {
    const mine = snapshot.ofType('PractitionerRole').filter((r) => idOf(r.practitioner, 'Practitioner') === practitionerId);
    role = pickRole(mine, serviceProvider);
  }
  const roleOrg = role ? idOf(role.organization, 'Organization') : undefined;
  const organizationId = roleOrg ?? serviceProvider;
  const p = practitionerId ? snapshot.byReference(`Practitioner/${practitionerId}`) : undefined;
  const o = organizationId ? snapshot.byReference(`Organization/${organizationId}`) : undefined;
  const unresolved = (ref: string | undefined): UnresolvedReference | undefined =>
    ref === undefined ? undefined : snapshot.unresolved.find((u) => u.reference === ref);
  // A PractitionerRole user whose role could not be fetched: neither who nor where is known.
  const roleUnresolved = roleId && !role ? unresolved(`PractitionerRole/${roleId}`) : undefined;
  const practitionerUnresolved =
    roleUnresolved ?? (p?.resourceType === 'Practitioner' ? undefined : unresolved(practitionerId && `Practitioner/${practitionerId}`));
  const organizationUnresolved =
    roleUnresolved ?? (o?.resourceType === 'Organization' ? undefined : unresolved(organizationId && `Organization/${organizationId}`));
  return {
    ...(practitionerId ? { practitionerId } : {}),
    ...(p?.resourceType === 'Practitioner' ? { practitioner: p as Practitioner } : {}),
    ...(role?.id && roleOrg ? { practitionerRole: `PractitionerRole/${role.id}` } : {}),
    ...(organizationId ? { organizationId, organizationVia: roleOrg ? 'practitioner-role' : 'encounter' } : {}),
    ...(o?.resourceType === 'Organization' ? { organization: o as Organization } : {}),
    ...(encounter?.id ? { encounter: `Encounter/${encounter.id}` } : {}),
    ...(practitionerUnresolved ? { practitionerUnresolved } : {}),
    ...(organizationUnresolved ? { organizationUnresolved } : {}),
  } as OrderingContext;
}
