import type { Policy } from '../clinical/policy.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import type {
  CertificateRecord,
  CredentialSource,
  OrganizationCredentials,
  RegistryFind,
  RegistryMatch,
  RegistryStore,
} from './credential-records.js';
import { certificatesFromPractitioner, organizationCredentialsFromFhir } from './credentials.js';
import { resolveOrderingContext, type OrderingContext } from '../clinical/ordering-context.js';
import { organizationKeys, practitionerKeys } from './registry-keys.js';

/**
 * How the registry record of the call's practitioner or organization was found
 * (src/registry/CSV.md#matching), for finding params: `match`, and the registry's id when it is not
 * the EHR's resource id (two EHRs, two ids, one registry record).
 */
export interface RegistryMatchInfo {
  readonly match: RegistryMatch;
  readonly registryId: string;
}

/**
 * The credential data of one hook call, gathered once (the only async step of the order checks:
 * the registry port), in the policy's source order `CERTIFICATE_SOURCE_ORDER` (default registry
 * first, then the EHR's FHIR data — docs/rules.md#credential-data, ZJ-2023 Art.6, 39).
 *
 * A source "knows" a practitioner when it has a record of them (the registry) or the snapshot holds
 * the Practitioner resource (the EHR); likewise for organizations. A registry that fails is skipped
 * (`registryUnavailable`) and the EHR data decide — a registry outage must not block every order.
 */
export interface CredentialContext extends OrderingContext {
  readonly certificates: readonly { readonly source: CredentialSource; readonly records: readonly CertificateRecord[] }[];
  readonly organizations: readonly { readonly source: CredentialSource; readonly credentials: OrganizationCredentials }[];
  readonly registryUnavailable: boolean;
  /** How the registry found the practitioner / organization (absent: the registry does not know it or was not asked). */
  readonly practitionerMatch?: RegistryMatchInfo;
  readonly organizationMatch?: RegistryMatchInfo;
  /** Malformed credential elements found in the EHR data, and registry conflicts (reported in finding params). */
  readonly problems: readonly string[];
}

/** A found record and how; a conflict is a problem (the registry does not decide), never a match. */
function matched<T>(
  find: RegistryFind<T>,
  idOf: (t: T) => string,
  subject: string,
  problems: string[],
): { record: T; info: RegistryMatchInfo } | undefined {
  if (find.outcome === 'found') return { record: find.record, info: { match: find.match, registryId: idOf(find.record) } };
  if (find.outcome === 'conflict')
    problems.push(
      find.reason === 'several-records'
        ? `${subject}: registry ${find.match} matches several records (${find.ids.join(', ')}); the registry is not used`
        : `${subject}: registry record ${find.ids.join(', ')} has the same id but another identifier; the registry is not used`,
    );
  return undefined;
}

/**
 * The registry is asked by the business keys of the EHR's resources first (src/registry/CSV.md#matching):
 * the Practitioner's identifiers of the configured systems and its certificate numbers, the
 * Organization's identifiers (USCC) and licence numbers, then the resource id.
 */
export async function loadCredentialContext(
  snapshot: PatientSnapshot,
  registry: RegistryStore,
  policy: Policy,
): Promise<CredentialContext> {
  const ctx = resolveOrderingContext(snapshot);
  const certificates: { source: CredentialSource; records: readonly CertificateRecord[] }[] = [];
  const organizations: { source: CredentialSource; credentials: OrganizationCredentials }[] = [];
  const problems: string[] = [];
  let registryUnavailable = false;
  let practitionerMatch: RegistryMatchInfo | undefined;
  let organizationMatch: RegistryMatchInfo | undefined;
  for (const source of policy.CERTIFICATE_SOURCE_ORDER) {
    if (source === 'registry') {
      try {
        const pKeys = practitionerKeys(policy.registryIdentifiers, ctx.practitionerId, ctx.practitioner);
        const oKeys = organizationKeys(policy.registryIdentifiers, ctx.organizationId, ctx.organization);
        const p =
          Object.keys(pKeys).length > 0
            ? matched(
                await registry.findPractitioner(pKeys),
                (r) => r.practitionerId,
                `Practitioner/${ctx.practitionerId ?? '?'}`,
                problems,
              )
            : undefined;
        if (p) {
          practitionerMatch = p.info;
          certificates.push({ source, records: p.record.certificates });
        }
        const o =
          Object.keys(oKeys).length > 0
            ? matched(
                await registry.findOrganization(oKeys),
                (r) => r.organizationId,
                `Organization/${ctx.organizationId ?? '?'}`,
                problems,
              )
            : undefined;
        if (o) {
          organizationMatch = o.info;
          organizations.push({ source, credentials: o.record });
        }
      } catch {
        registryUnavailable = true;
      }
    } else {
      if (ctx.practitioner) {
        const parsed = certificatesFromPractitioner(ctx.practitioner);
        problems.push(...parsed.problems.map((p) => `Practitioner/${ctx.practitionerId}: ${p}`));
        certificates.push({ source, records: parsed.value });
      }
      if (ctx.organization) {
        const parsed = organizationCredentialsFromFhir(ctx.organization);
        problems.push(...parsed.problems.map((p) => `Organization/${ctx.organizationId}: ${p}`));
        organizations.push({ source, credentials: parsed.value });
      }
    }
  }
  return {
    ...ctx,
    certificates,
    organizations,
    registryUnavailable,
    ...(practitionerMatch ? { practitionerMatch } : {}),
    ...(organizationMatch ? { organizationMatch } : {}),
    problems,
  };
}
