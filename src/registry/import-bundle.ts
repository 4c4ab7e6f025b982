import type { Organization, Practitioner, PractitionerRole, Resource } from '@medplum/fhirtypes';
import { certificatesFromPractitioner, organizationCredentialsFromFhir, practitionerName } from '../orders/credentials.js';
import { idOf } from '../fhir/references.js';
import { DEFAULT_POLICY } from '../clinical/policy.js';
import type { RegistryIdentifierPolicy } from '../clinical/registry-identifiers.js';
import { identifierKind, normalizeIdentifiers, type Holder } from '../orders/registry-keys.js';
import type { ParsedImport, RejectedRow } from './import-result.js';
import { EMPTY_BATCH } from './import-result.js';
import type { CertificateRecord, LicenceRecord, RegistryBatch } from './registry-store.js';
import { certificateProblems, licenceProblems, mergeLicences, mergePractitioners } from './validate-records.js';

/**
 * The identifiers of a registry resource that the policy counts (src/registry/CSV.md#matching); the
 * others (a hospital's own numbers in a provincial export) are not kept.
 */
function countedIdentifiers(
  policy: RegistryIdentifierPolicy,
  holder: Holder,
  list: readonly { system?: string; value?: string }[] | undefined,
) {
  return normalizeIdentifiers(list).filter((i) => identifierKind(policy, holder, i.system) !== undefined);
}

/**
 * Parses a FHIR Bundle exported from the provincial resource system (ZJ-2023 Art.6, 39) — or any
 * Bundle of Practitioner / PractitionerRole / Organization in the docs/rules.md#credential-data shape — into registry
 * records, with the Practitioner / Organization identifiers of the configured systems. Each entry is a row (number = entry index + 1): an entry with any problem is rejected
 * whole, with every reason; the others are accepted.
 */
export function parseRegistryBundle(
  input: unknown,
  identifierPolicy: RegistryIdentifierPolicy = DEFAULT_POLICY.registryIdentifiers,
): ParsedImport {
  const b = input as { resourceType?: unknown; entry?: unknown };
  if (!b || typeof b !== 'object' || b.resourceType !== 'Bundle') {
    return { batch: EMPTY_BATCH, acceptedRows: 0, rejected: [], fileErrors: ['not a FHIR Bundle'] };
  }
  const entries = Array.isArray(b.entry) ? (b.entry as { resource?: Resource }[]) : [];
  const practitioners: RegistryBatch['practitioners'][number][] = [];
  const organizations: RegistryBatch['organizations'][number][] = [];
  const certificates: CertificateRecord[] = [];
  const licences: LicenceRecord[] = [];
  const rejected: RejectedRow[] = [];
  let acceptedRows = 0;

  entries.forEach((entry, i) => {
    const row = i + 1;
    const r = entry?.resource;
    const subject = r?.resourceType ? `${r.resourceType}/${r.id ?? '?'}` : undefined;
    const reasons: string[] = [];
    if (!r || typeof r !== 'object') reasons.push('entry has no resource');
    else if (r.resourceType === 'Practitioner') {
      const p = r as Practitioner;
      if (!p.id) reasons.push('Practitioner.id is required');
      const parsed = certificatesFromPractitioner(p);
      reasons.push(...parsed.problems);
      for (const c of parsed.value) reasons.push(...certificateProblems(c).map((m) => `${c.technique}: ${m}`));
      if (reasons.length === 0) {
        const name = practitionerName(p);
        const identifiers = countedIdentifiers(identifierPolicy, 'practitioner', p.identifier);
        practitioners.push({ practitionerId: p.id!, ...(name ? { name } : {}), ...(identifiers.length > 0 ? { identifiers } : {}) });
        certificates.push(...parsed.value);
      }
    } else if (r.resourceType === 'Organization') {
      const o = r as Organization;
      if (!o.id) reasons.push('Organization.id is required');
      const parsed = organizationCredentialsFromFhir(o);
      reasons.push(...parsed.problems);
      for (const l of parsed.value.licences) reasons.push(...licenceProblems(l).map((m) => `licence ${l.number}: ${m}`));
      if (reasons.length === 0) {
        const { licences: ls, ...info } = parsed.value;
        const identifiers = countedIdentifiers(identifierPolicy, 'organization', o.identifier);
        organizations.push({ ...info, ...(identifiers.length > 0 ? { identifiers } : {}) });
        licences.push(...ls);
      }
    } else if (r.resourceType === 'PractitionerRole') {
      const role = r as PractitionerRole;
      const practitionerId = idOf(role.practitioner, 'Practitioner');
      const organizationId = idOf(role.organization, 'Organization');
      if (!practitionerId) reasons.push('PractitionerRole.practitioner must reference a Practitioner');
      if (!organizationId) reasons.push('PractitionerRole.organization must reference an Organization');
      if (reasons.length === 0) practitioners.push({ practitionerId: practitionerId!, organizationIds: [organizationId!] });
    } else reasons.push(`unsupported resource type ${String(r.resourceType)}`);
    if (reasons.length > 0) rejected.push({ row, ...(subject ? { subject } : {}), reasons });
    else acceptedRows++;
  });

  return {
    batch: { practitioners: mergePractitioners(practitioners), organizations, certificates, licences: mergeLicences(licences) },
    acceptedRows,
    rejected,
    fileErrors: [],
  };
}
