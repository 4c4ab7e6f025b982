import type { Extension, Organization } from '@medplum/fhirtypes';
import { parseDateAsWritten } from '../calendar/index.js';
import { EXTENSIONS } from '../clinical/codes.js';
import type { Policy } from '../clinical/policy.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import { idOf } from '../fhir/references.js';
import type { CredentialSource, InstitutionRole, RegistryMatch, RegistryStore } from './credential-records.js';
import { organizationCredentialsFromFhir } from './credentials.js';
import { lookupIdentifiers, organizationKeys } from './registry-keys.js';

/**
 * One NIPT cooperation partner (ZJ-2023 Art.29) as the sources know it (docs/rules.md#nipt-institution-not-authorized):
 * the snapshot's Organization (read by reference when the EHR left it out, docs/design.md#reference-fetch)
 * and the provincial registry, in CERTIFICATE_SOURCE_ORDER. The partner is usually another
 * hospital, which the calling EHR cannot serve: the registry knows it by its business keys
 * (src/registry/CSV.md#matching) — the Organization's identifiers and licence numbers when the
 * record has it, else the identifiers the cooperation's `partner` reference carries
 * (`Reference.identifier`, e.g. the USCC) — then by id.
 */
export interface CooperationPartner {
  /** Bare Organization id of the partner, as the agreement names it. */
  readonly organizationId: string;
  /**
   * The first role a source states; `none` when a source knows the partner without a role;
   * `unknown` when no source knows it (then `unverified` says why).
   */
  readonly role: InstitutionRole | 'none' | 'unknown';
  readonly roleSource?: CredentialSource;
  /** Organization.name, else the registry's name (record-derived text: escape before markup). */
  readonly name?: string;
  /** Why no source knows the partner (`could not be fetched (…); not in the registry`). */
  readonly unverified?: string;
  readonly registryUnavailable: boolean;
  /** How the registry found it, and its registry id. */
  readonly registryMatch?: { readonly match: RegistryMatch; readonly registryId: string };
}

/** The `nipt-cooperation` extensions of an Organization whose `partner` names `partnerId`. */
function cooperationsWith(org: Organization, partnerId: string): Extension[] {
  return (org.extension ?? []).filter(
    (e) =>
      e.url === EXTENSIONS.niptCooperation &&
      idOf(e.extension?.find((x) => x.url === 'partner')?.valueReference, 'Organization') === partnerId,
  );
}

/**
 * The identifiers the calling institution's cooperation extensions give for `partnerId`
 * (`partner.valueReference.identifier`), of the configured organization systems only.
 */
export function partnerReferenceIdentifiers(organizations: readonly Organization[], partnerId: string, policy: Policy) {
  const given = organizations.flatMap((o) =>
    cooperationsWith(o, partnerId).flatMap((e) => {
      const id = e.extension?.find((x) => x.url === 'partner')?.valueReference?.identifier;
      return id ? [id] : [];
    }),
  );
  return lookupIdentifiers(policy.registryIdentifiers, 'organization', given);
}

/**
 * Looks the partner up in every source (never throws: a failing registry is skipped and reported).
 * `callingOrganizations`: the EHR Organizations whose cooperation names the partner (for the
 * identifiers on the reference).
 */
export async function lookUpCooperationPartner(
  snapshot: PatientSnapshot,
  partnerId: string,
  callingOrganizations: readonly Organization[],
  registry: Pick<RegistryStore, 'findOrganization'>,
  policy: Policy,
): Promise<CooperationPartner> {
  const ref = `Organization/${partnerId}`;
  const r = snapshot.byReference(ref);
  const own = r?.resourceType === 'Organization' ? (r as Organization) : undefined;
  let role: CooperationPartner['role'] = 'unknown';
  let roleSource: CredentialSource | undefined;
  let registryName: string | undefined;
  let registryUnavailable = false;
  let registryMatch: CooperationPartner['registryMatch'];
  let registryWhy: string | undefined;
  const state = (found: InstitutionRole | undefined, source: CredentialSource) => {
    if (found) {
      role = found;
      roleSource = source;
    } else if (role === 'unknown') role = 'none';
  };
  for (const source of policy.CERTIFICATE_SOURCE_ORDER as readonly CredentialSource[]) {
    if (role !== 'unknown' && role !== 'none') break;
    if (source === 'registry') {
      try {
        const keys = organizationKeys(policy.registryIdentifiers, partnerId, own);
        const extra = partnerReferenceIdentifiers(callingOrganizations, partnerId, policy);
        const identifiers = [...(keys.identifiers ?? []), ...extra];
        const found = await registry.findOrganization({ ...keys, ...(identifiers.length > 0 ? { identifiers } : {}) });
        if (found.outcome === 'found') {
          registryMatch = { match: found.match, registryId: found.record.organizationId };
          registryName = found.record.name;
          state(found.record.institutionRole, source);
        } else if (found.outcome === 'not-found') {
          registryWhy = 'not in the registry';
        } else {
          registryWhy = `registry ${found.match} matches ${found.reason === 'several-records' ? 'several records' : 'a record with another identifier'} (${found.ids.join(', ')})`;
        }
      } catch {
        registryUnavailable = true;
        registryWhy = 'registry unavailable';
      }
    } else if (own) {
      state(organizationCredentialsFromFhir(own).value.institutionRole, source);
    }
  }
  const unresolved = snapshot.unresolved.find((u) => u.reference === ref);
  const ehrWhy = own ? undefined : unresolved ? `could not be fetched (${unresolved.reason})` : 'not in the record';
  const name = own?.name ?? registryName;
  return {
    organizationId: partnerId,
    role,
    ...(roleSource ? { roleSource } : {}),
    ...(name ? { name } : {}),
    ...(role === 'unknown' ? { unverified: [ehrWhy, registryWhy].filter(Boolean).join('; ') } : {}),
    registryUnavailable,
    ...(registryMatch ? { registryMatch } : {}),
  };
}

/**
 * Whether a cooperation agreement is current on `today` (docs/rules.md#nipt-institution-not-authorized):
 * its period covers the day; an absent start or end is open; a partial date counts by its widest
 * reading; an unreadable date makes the agreement not current.
 */
export function cooperationCurrent(c: { readonly validFrom?: string; readonly validTo?: string }, today: string): boolean {
  if (c.validFrom !== undefined) {
    const from = parseDateAsWritten(c.validFrom);
    if (!from || from.first > today) return false;
  }
  if (c.validTo !== undefined) {
    const to = parseDateAsWritten(c.validTo);
    if (!to || to.last < today) return false;
  }
  return true;
}
