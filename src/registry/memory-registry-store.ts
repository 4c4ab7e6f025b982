import type {
  BusinessIdentifier,
  CertificateRecord,
  LicenceRecord,
  OrganizationCredentials,
  OrganizationKeys,
  PractitionerCredentials,
  PractitionerKeys,
  RegistryBatch,
  RegistryContents,
  RegistryFind,
  RegistryStore,
  UpsertSummary,
} from './registry-store.js';
import { findHolder, mergeIdentifiers } from '../orders/registry-keys.js';

/** An organization's own facts as stored (its licences are records of their own). */
export type OrgInfo = Omit<OrganizationCredentials, 'licences'>;
/** A practitioner's own facts as stored (their certificates are records of their own). */
export type PractitionerInfo = {
  practitionerId: string;
  name?: string;
  identifiers?: readonly BusinessIdentifier[];
  organizationIds: readonly string[];
};

/** A practitioner as the port answers it, from their facts and current certificates (unknown: neither). */
export function practitionerCredentials(
  practitionerId: string,
  info: PractitionerInfo | undefined,
  certificates: CertificateRecord[],
): PractitionerCredentials | undefined {
  if (!info && certificates.length === 0) return undefined;
  return {
    practitionerId,
    ...(info?.name ? { name: info.name } : {}),
    ...(info?.identifiers?.length ? { identifiers: info.identifiers } : {}),
    organizationIds: info?.organizationIds ?? [],
    certificates,
  };
}

/** A practitioner's facts after a batch entry: name kept unless given, organizations accumulate, identifiers replaced by system. */
export function mergePractitionerInfo(old: PractitionerInfo | undefined, p: RegistryBatch['practitioners'][number]): PractitionerInfo {
  const organizationIds = [...new Set([...(old?.organizationIds ?? []), ...(p.organizationIds ?? [])])].sort();
  const name = p.name ?? old?.name;
  const identifiers = mergeIdentifiers(old?.identifiers, p.identifiers);
  return { practitionerId: p.practitionerId, ...(name ? { name } : {}), ...(identifiers ? { identifiers } : {}), organizationIds };
}

/** An organization's facts after a batch entry: absent fields keep the stored value, identifiers replaced by system. */
export function mergeOrgInfo(old: OrgInfo | undefined, o: RegistryBatch['organizations'][number]): OrgInfo {
  const defined = Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k !== 'identifiers'));
  const identifiers = mergeIdentifiers(old?.identifiers, o.identifiers);
  const { identifiers: _stored, ...rest } = { niptCooperation: [], ...old, ...defined } as OrgInfo;
  return { ...rest, ...(identifiers ? { identifiers } : {}) };
}

/** An organization as the port answers it, from its facts and current licences (unknown: neither). */
export function organizationCredentials(
  organizationId: string,
  info: OrgInfo | undefined,
  licences: LicenceRecord[],
): OrganizationCredentials | undefined {
  if (!info && licences.length === 0) return undefined;
  return { organizationId, niptCooperation: [], ...info, licences };
}

/** Canonical JSON (sorted keys) to tell an unchanged record from an updated one. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Natural key of a certificate: (number, technique) — one qualification per technique (docs/rules.md#credential-data). */
export function certificateKey(c: CertificateRecord): string {
  return `${c.number ?? `${c.practitionerId}#`}|${c.technique}`;
}

/**
 * In-memory RegistryStore: idempotent upserts by natural key (certificate number + technique,
 * licence number, practitioner id, organization id). Records are copied and frozen on the way in.
 */
export class MemoryRegistryStore implements RegistryStore {
  readonly #certificates = new Map<string, CertificateRecord>();
  readonly #licences = new Map<string, LicenceRecord>();
  readonly #practitioners = new Map<string, PractitionerInfo>();
  readonly #organizations = new Map<string, OrgInfo>();

  async upsert(batch: RegistryBatch): Promise<UpsertSummary> {
    const counts = { inserted: 0, updated: 0, unchanged: 0 };
    const put = <T>(map: Map<string, T>, key: string, value: T) => {
      const old = map.get(key);
      if (old === undefined) counts.inserted++;
      else if (canonical(old) === canonical(value)) return void counts.unchanged++;
      else counts.updated++;
      map.set(key, Object.freeze(structuredClone(value)));
    };
    for (const p of batch.practitioners)
      put(this.#practitioners, p.practitionerId, mergePractitionerInfo(this.#practitioners.get(p.practitionerId), p));
    for (const o of batch.organizations)
      put(this.#organizations, o.organizationId, mergeOrgInfo(this.#organizations.get(o.organizationId), o));
    for (const c of batch.certificates) put(this.#certificates, certificateKey(c), c);
    for (const l of batch.licences) put(this.#licences, l.number, { ...l, techniques: [...l.techniques].sort() });
    return counts;
  }

  async practitioner(practitionerId: string): Promise<PractitionerCredentials | undefined> {
    const certificates = [...this.#certificates.values()].filter((c) => c.practitionerId === practitionerId);
    return practitionerCredentials(practitionerId, this.#practitioners.get(practitionerId), certificates);
  }

  async organization(organizationId: string): Promise<OrganizationCredentials | undefined> {
    const licences = [...this.#licences.values()].filter((l) => l.organizationId === organizationId);
    return organizationCredentials(organizationId, this.#organizations.get(organizationId), licences);
  }

  async findPractitioner(keys: PractitionerKeys): Promise<RegistryFind<PractitionerCredentials>> {
    return findHolder({ ...keys, numbers: keys.certificateNumbers }, 'certificate-number', {
      byIdentifiers: async (ids) => holdersWith(this.#practitioners.values(), ids).map((p) => p.practitionerId),
      byNumbers: async (numbers) =>
        [...this.#certificates.values()].filter((c) => c.number !== undefined && numbers.includes(c.number)).map((c) => c.practitionerId),
      read: (id) => this.practitioner(id),
    });
  }

  async findOrganization(keys: OrganizationKeys): Promise<RegistryFind<OrganizationCredentials>> {
    return findHolder({ ...keys, numbers: keys.licenceNumbers }, 'licence-number', {
      byIdentifiers: async (ids) => holdersWith(this.#organizations.values(), ids).map((o) => o.organizationId),
      byNumbers: async (numbers) => [...this.#licences.values()].filter((l) => numbers.includes(l.number)).map((l) => l.organizationId),
      read: (id) => this.organization(id),
    });
  }

  async list(): Promise<RegistryContents> {
    const pIds = new Set([...this.#practitioners.keys(), ...[...this.#certificates.values()].map((c) => c.practitionerId)]);
    const oIds = new Set([...this.#organizations.keys(), ...[...this.#licences.values()].map((l) => l.organizationId)]);
    const practitioners = await Promise.all([...pIds].sort().map((id) => this.practitioner(id)));
    const organizations = await Promise.all([...oIds].sort().map((id) => this.organization(id)));
    return {
      practitioners: practitioners.filter((p): p is PractitionerCredentials => p !== undefined),
      organizations: organizations.filter((o): o is OrganizationCredentials => o !== undefined),
    };
  }
}

/** Holders whose identifiers include any of `ids`. */
function holdersWith<T extends { identifiers?: readonly BusinessIdentifier[] }>(all: Iterable<T>, ids: readonly BusinessIdentifier[]): T[] {
  const wanted = new Set(ids.map((i) => `${i.system}|${i.value}`));
  return [...all].filter((h) => (h.identifiers ?? []).some((i) => wanted.has(`${i.system}|${i.value}`)));
}
