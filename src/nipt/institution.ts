import type { Policy } from '../clinical/policy.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import { loadCredentialContext } from '../orders/credential-context.js';
import type { CredentialSource, InstitutionRole, RegistryStore } from '../orders/credential-records.js';
import { organizationCredentialsFromFhir } from '../orders/credentials.js';
import { organizationKeys } from '../orders/registry-keys.js';
import type { CooperationFact, InstitutionFacts } from './facts.js';

/**
 * Gathers the ordering institution's NIPT facts once per hook call (ZJ-2023 Art.28, 29, 37): the
 * organization (PractitionerRole, else Encounter.serviceProvider — resolveOrderingContext), its
 * `mch-institution-role` and `nipt-cooperation` agreements from the registry and the snapshot in
 * CERTIFICATE_SOURCE_ORDER (the same loader as the certificate checks), and the role of each
 * cooperation partner (snapshot Organization or registry record). The role is the first one a
 * source states; agreements are the union of all sources (the registry CSV carries none). A
 * failing registry is skipped and reported (`registryUnavailable`).
 */
export async function loadInstitutionFacts(snapshot: PatientSnapshot, registry: RegistryStore, policy: Policy): Promise<InstitutionFacts> {
  const ctx = await loadCredentialContext(snapshot, registry, policy);
  let registryUnavailable = ctx.registryUnavailable;
  const stated = ctx.organizations.find((o) => o.credentials.institutionRole !== undefined);
  const raw: Omit<CooperationFact, 'partnerRole'>[] = [];
  for (const o of ctx.organizations) {
    for (const c of o.credentials.niptCooperation) {
      const dup = raw.some(
        (r) => r.partnerOrganizationId === c.partnerOrganizationId && r.validFrom === c.validFrom && r.validTo === c.validTo,
      );
      if (!dup) raw.push({ ...c, source: o.source });
    }
  }
  const roles = new Map<string, InstitutionRole | 'none' | 'unknown'>();
  for (const c of raw) {
    const id = c.partnerOrganizationId;
    if (!id || roles.has(id)) continue;
    let role: InstitutionRole | 'none' | 'unknown' = 'unknown';
    for (const source of policy.CERTIFICATE_SOURCE_ORDER as readonly CredentialSource[]) {
      if (role !== 'unknown' && role !== 'none') break;
      if (source === 'registry') {
        try {
          const own = snapshot.byReference(`Organization/${id}`);
          const found = await registry.findOrganization(
            organizationKeys(policy.registryIdentifiers, id, own?.resourceType === 'Organization' ? own : undefined),
          );
          const rec = found.outcome === 'found' ? found.record : undefined;
          if (rec) role = rec.institutionRole ?? (role === 'unknown' ? 'none' : role);
        } catch {
          registryUnavailable = true;
        }
      } else {
        const r = snapshot.byReference(`Organization/${id}`);
        if (r?.resourceType === 'Organization')
          role = organizationCredentialsFromFhir(r).value.institutionRole ?? (role === 'unknown' ? 'none' : role);
      }
    }
    roles.set(id, role);
  }
  const evidence = [
    ...(ctx.organizationId ? [`Organization/${ctx.organizationId}`] : []),
    ...(ctx.practitionerRole ? [ctx.practitionerRole] : []),
    ...(ctx.encounter && ctx.organizationVia === 'encounter' ? [ctx.encounter] : []),
  ];
  return {
    ...(ctx.organizationId ? { organizationId: ctx.organizationId } : {}),
    known: ctx.organizations.length > 0,
    ...(stated?.credentials.institutionRole ? { role: stated.credentials.institutionRole, roleSource: stated.source } : {}),
    cooperations: raw.map((c) => ({ ...c, partnerRole: c.partnerOrganizationId ? roles.get(c.partnerOrganizationId)! : 'unknown' })),
    registryUnavailable,
    ...(ctx.organizationMatch ? { registryMatch: ctx.organizationMatch.match } : {}),
    evidence: ctx.organizationUnresolved ? [...new Set([...evidence, ctx.organizationUnresolved.reference])] : evidence,
    ...(ctx.organizationUnresolved ? { unresolved: ctx.organizationUnresolved } : {}),
  };
}
