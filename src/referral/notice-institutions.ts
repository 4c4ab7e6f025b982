import type { Organization } from '@medplum/fhirtypes';
import type { CallInstitution } from '../clinical/call-institution.js';
import { DEFAULT_POLICY, type Policy } from '../clinical/policy.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import { cooperationCurrent, lookUpCooperationPartner } from '../orders/cooperation-partner.js';
import type { CredentialSource, NiptCooperation, OrganizationCredentials, RegistryStore } from '../orders/credential-records.js';
import { organizationCredentialsFromFhir } from '../orders/credentials.js';
import { organizationKeys } from '../orders/registry-keys.js';

/**
 * The two institutions the Art. 25 written notice names (ZJ-2023 Art.24, 25, 29;
 * docs/design.md#written-notice), resolved from the call — never a placeholder, never another
 * hospital's name:
 *
 * - `institution`, the calling institution (callInstitution, docs/design.md#institution): its
 *   Organization's name (with address and phone) when the record holds it; else the name of its
 *   registry record, found by its business keys then id (src/registry/CSV.md#matching); else the
 *   policy's `institution` when its id is this one.
 * - `referralInstitution`, where the woman is sent for prenatal diagnosis: the partner of the
 *   calling institution's current NIPT cooperation (its Organization's `nipt-cooperation`, and the
 *   agreements of its registry record, in CERTIFICATE_SOURCE_ORDER) that a source verifies as a
 *   prenatal-diagnosis institution, by its real name (the partner Organization's name, else its
 *   registry name — ../orders/cooperation-partner.ts); else the policy's `referralInstitution`.
 *
 * `source` says where the name came from; `none` (no name) when nothing names one. A failing
 * registry is skipped. Pure apart from the registry port.
 */
export type NoticeNameSource = 'organization' | 'registry' | 'cooperation' | 'policy' | 'none';

export interface ResolvedNoticeInstitution {
  readonly id?: string;
  /** Record-derived text: isolate and escape where it is printed. */
  readonly name?: string;
  readonly address?: string;
  readonly phone?: string;
  readonly source: NoticeNameSource;
}

export interface NoticeInstitutions {
  readonly institution: ResolvedNoticeInstitution;
  readonly referralInstitution: ResolvedNoticeInstitution;
}

export type NoticeRegistry = Pick<RegistryStore, 'findOrganization'>;

/** No registry configured: nothing is found. */
const NO_REGISTRY: NoticeRegistry = { findOrganization: () => Promise.resolve({ outcome: 'not-found' }) };

/** The policy's default wording ("（本机构）", "（合作产前诊断机构）"): never printed as a name. */
const POLICY_PLACEHOLDERS: ReadonlySet<string> = new Set([DEFAULT_POLICY.institution.name, DEFAULT_POLICY.referralInstitution.name]);

function fromPolicy(i: Policy['institution']): ResolvedNoticeInstitution | undefined {
  const name = i.name.trim();
  if (!name || POLICY_PLACEHOLDERS.has(i.name)) return undefined;
  return {
    ...(i.id ? { id: i.id } : {}),
    name,
    ...(i.address ? { address: i.address } : {}),
    ...(i.phone ? { phone: i.phone } : {}),
    source: 'policy',
  };
}

function fromOrganization(o: Organization | undefined, id: string, source: NoticeNameSource): ResolvedNoticeInstitution | undefined {
  const name = o?.name?.trim();
  if (!name) return undefined;
  const address = o?.address?.[0]?.text?.trim();
  const phone = o?.telecom?.find((t) => t.system === 'phone')?.value?.trim();
  return { id, name, ...(address ? { address } : {}), ...(phone ? { phone } : {}), source };
}

/** The calling institution's registry record, by its business keys then id (`undefined` when none or the registry fails). */
async function registryRecord(
  call: CallInstitution,
  registry: NoticeRegistry,
  policy: Policy,
): Promise<OrganizationCredentials | undefined> {
  try {
    const found = await registry.findOrganization(organizationKeys(policy.registryIdentifiers, call.id, call.organization));
    return found.outcome === 'found' ? found.record : undefined;
  } catch {
    return undefined;
  }
}

/** The current agreements with a partner, from the sources in CERTIFICATE_SOURCE_ORDER. */
function currentAgreements(call: CallInstitution, record: OrganizationCredentials | undefined, policy: Policy, today: string) {
  const bySource: Record<CredentialSource, readonly NiptCooperation[]> = {
    ehr: call.organization ? organizationCredentialsFromFhir(call.organization).value.niptCooperation : [],
    registry: record?.niptCooperation ?? [],
  };
  const ids = (policy.CERTIFICATE_SOURCE_ORDER as readonly CredentialSource[])
    .flatMap((s) => bySource[s])
    .filter((c) => c.partnerOrganizationId && cooperationCurrent(c, today))
    .map((c) => c.partnerOrganizationId!);
  return [...new Set(ids)];
}

async function cooperationPartner(
  snapshot: PatientSnapshot,
  call: CallInstitution,
  record: OrganizationCredentials | undefined,
  registry: NoticeRegistry,
  policy: Policy,
  today: string,
): Promise<ResolvedNoticeInstitution | undefined> {
  const calling = call.organization ? [call.organization] : [];
  for (const id of currentAgreements(call, record, policy, today)) {
    const partner = await lookUpCooperationPartner(snapshot, id, calling, registry, policy);
    if (partner.role !== 'prenatal-diagnosis-institution' || !partner.name?.trim()) continue;
    const own = snapshot.byReference(`Organization/${id}`);
    const withContact = own?.resourceType === 'Organization' ? fromOrganization(own, id, 'cooperation') : undefined;
    return withContact ?? { id, name: partner.name.trim(), source: 'cooperation' };
  }
  return undefined;
}

export async function resolveNoticeInstitutions(
  snapshot: PatientSnapshot,
  call: CallInstitution | undefined,
  registry: NoticeRegistry | undefined,
  policy: Policy,
  today: string,
): Promise<NoticeInstitutions> {
  registry ??= NO_REGISTRY;
  const record = call ? await registryRecord(call, registry, policy) : undefined;
  const registered = record?.name?.trim();
  const institution: ResolvedNoticeInstitution = call
    ? (fromOrganization(call.organization, call.id, 'organization') ??
      (registered ? { id: call.id, name: registered, source: 'registry' } : undefined) ??
      (policy.institution.id === call.id ? fromPolicy(policy.institution) : undefined) ?? { id: call.id, source: 'none' })
    : { source: 'none' };
  const partner = call ? await cooperationPartner(snapshot, call, record, registry, policy, today) : undefined;
  return { institution, referralInstitution: partner ?? fromPolicy(policy.referralInstitution) ?? { source: 'none' } };
}

/** The institution as the notice content takes it (`{ id?, name, address?, phone? }`), when it has a name. */
export function printableInstitution(
  i: ResolvedNoticeInstitution,
): { id?: string; name: string; address?: string; phone?: string } | undefined {
  if (!i.name) return undefined;
  const { source: _source, name, ...rest } = i;
  return { ...rest, name };
}
