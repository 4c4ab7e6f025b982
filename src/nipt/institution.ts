import type { Policy } from '../clinical/policy.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import { loadCredentialContext } from '../orders/credential-context.js';
import type { RegistryStore } from '../orders/credential-records.js';
import { lookUpCooperationPartner, type CooperationPartner } from '../orders/cooperation-partner.js';
import type { CooperationFact, InstitutionFacts } from './facts.js';

/**
 * Gathers the ordering institution's NIPT facts once per hook call (ZJ-2023 Art.28, 29, 37): the
 * organization (PractitionerRole, else Encounter.serviceProvider — resolveOrderingContext), its
 * `mch-institution-role` and `nipt-cooperation` agreements from the registry and the snapshot in
 * CERTIFICATE_SOURCE_ORDER (the same loader as the certificate checks), and the role of each
 * cooperation partner (the snapshot's Organization or the registry record found by its business
 * keys — ../orders/cooperation-partner.ts), with why when no source knows it. The role is the first
 * one a source states; agreements are the union of all sources (the registry CSV carries none). A
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
  const callingOrganizations = ctx.organization ? [ctx.organization] : [];
  const partners = new Map<string, CooperationPartner>();
  for (const c of raw) {
    const id = c.partnerOrganizationId;
    if (!id || partners.has(id)) continue;
    const partner = await lookUpCooperationPartner(snapshot, id, callingOrganizations, registry, policy);
    if (partner.registryUnavailable) registryUnavailable = true;
    partners.set(id, partner);
  }
  const withPartner = (c: Omit<CooperationFact, 'partnerRole'>): CooperationFact => {
    const p = c.partnerOrganizationId ? partners.get(c.partnerOrganizationId) : undefined;
    if (!p) return { ...c, partnerRole: 'unknown', partnerUnverified: 'the agreement names no partner' };
    return {
      ...c,
      partnerRole: p.role,
      ...(p.roleSource ? { partnerRoleSource: p.roleSource } : {}),
      ...(p.unverified ? { partnerUnverified: p.unverified } : {}),
    };
  };
  const evidence = [
    ...(ctx.organizationId ? [`Organization/${ctx.organizationId}`] : []),
    ...(ctx.practitionerRole ? [ctx.practitionerRole] : []),
    ...(ctx.encounter && ctx.organizationVia === 'encounter' ? [ctx.encounter] : []),
  ];
  return {
    ...(ctx.organizationId ? { organizationId: ctx.organizationId } : {}),
    known: ctx.organizations.length > 0,
    ...(stated?.credentials.institutionRole ? { role: stated.credentials.institutionRole, roleSource: stated.source } : {}),
    cooperations: raw.map(withPartner),
    registryUnavailable,
    ...(ctx.organizationMatch ? { registryMatch: ctx.organizationMatch.match } : {}),
    evidence: ctx.organizationUnresolved ? [...new Set([...evidence, ctx.organizationUnresolved.reference])] : evidence,
    ...(ctx.organizationUnresolved ? { unresolved: ctx.organizationUnresolved } : {}),
  };
}
