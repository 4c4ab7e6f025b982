import type { Policy } from '../clinical/policy.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import type { CertificateRecord, CredentialSource, OrganizationCredentials, RegistryStore } from './credential-records.js';
import { certificatesFromPractitioner, organizationCredentialsFromFhir } from './credentials.js';
import { resolveOrderingContext, type OrderingContext } from '../clinical/ordering-context.js';

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
  /** Malformed credential elements found in the EHR data (reported in finding params). */
  readonly problems: readonly string[];
}

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
  for (const source of policy.CERTIFICATE_SOURCE_ORDER) {
    if (source === 'registry') {
      try {
        const p = ctx.practitionerId ? await registry.practitioner(ctx.practitionerId) : undefined;
        if (p) certificates.push({ source, records: p.certificates });
        const o = ctx.organizationId ? await registry.organization(ctx.organizationId) : undefined;
        if (o) organizations.push({ source, credentials: o });
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
  return { ...ctx, certificates, organizations, registryUnavailable, problems };
}
