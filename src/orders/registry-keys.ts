import type { Organization, Practitioner } from '@medplum/fhirtypes';
import type { RegistryIdentifierPolicy } from '../clinical/registry-identifiers.js';
import type { BusinessIdentifier, OrganizationKeys, PractitionerKeys, RegistryFind, RegistryMatch } from './credential-records.js';
import { certificatesFromPractitioner, organizationCredentialsFromFhir } from './credentials.js';

/**
 * Registry keys (src/registry/CSV.md#matching): the provincial registry knows practitioners and
 * organizations by business identifiers and certificate / licence numbers, not by each EHR's
 * resource ids. These pure helpers turn the EHR's resources into lookup keys, and decide a lookup
 * the same way for every RegistryStore adapter (`findHolder`).
 */
export type Holder = 'practitioner' | 'organization';

/** Sorted, de-duplicated identifiers with trimmed, non-empty system and value. */
export function normalizeIdentifiers(list: readonly { system?: string; value?: string }[] | undefined): BusinessIdentifier[] {
  const out = new Map<string, BusinessIdentifier>();
  for (const i of list ?? []) {
    const system = i.system?.trim();
    const value = i.value?.trim();
    if (system && value) out.set(`${system}|${value}`, { system, value });
  }
  return [...out.values()].sort((a, b) =>
    a.system < b.system ? -1 : a.system > b.system ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0,
  );
}

/**
 * Identifiers given replace the stored ones of the same system, other stored systems are kept (a
 * registry correcting a code must not leave the wrong one matching). `undefined` when neither has any.
 */
export function mergeIdentifiers(
  stored: readonly BusinessIdentifier[] | undefined,
  given: readonly BusinessIdentifier[] | undefined,
): BusinessIdentifier[] | undefined {
  const systems = new Set((given ?? []).map((i) => i.system));
  const merged = normalizeIdentifiers([...(stored ?? []).filter((i) => !systems.has(i.system)), ...(given ?? [])]);
  return merged.length > 0 ? merged : undefined;
}

/** The kind (e.g. `uscc`) of an identifier system for a holder, per policy; undefined when it does not count. */
export function identifierKind(policy: RegistryIdentifierPolicy, holder: Holder, system: string): string | undefined {
  for (const [kind, systems] of Object.entries(policy[holder])) if (systems.includes(system)) return kind;
  return undefined;
}

/**
 * The lookup identifiers of a resource's identifiers: those of a configured system only, each
 * written under every system of its kind (a value the EHR sends under an OID matches the registry's
 * value under the URI of the same kind).
 */
export function lookupIdentifiers(
  policy: RegistryIdentifierPolicy,
  holder: Holder,
  identifiers: readonly { system?: string; value?: string }[] | undefined,
): BusinessIdentifier[] {
  const out: BusinessIdentifier[] = [];
  for (const i of normalizeIdentifiers(identifiers)) {
    const kind = identifierKind(policy, holder, i.system);
    if (kind !== undefined) for (const system of policy[holder][kind]!) out.push({ system, value: i.value });
  }
  return normalizeIdentifiers(out);
}

/** Keys of the EHR's Practitioner (configured identifiers, certificate numbers of its mch-technique qualifications) and its id. */
export function practitionerKeys(
  policy: RegistryIdentifierPolicy,
  id: string | undefined,
  practitioner: Practitioner | undefined,
): PractitionerKeys {
  const identifiers = lookupIdentifiers(policy, 'practitioner', practitioner?.identifier);
  const numbers = practitioner
    ? [...new Set(certificatesFromPractitioner(practitioner).value.flatMap((c) => (c.number?.trim() ? [c.number.trim()] : [])))]
    : [];
  return {
    ...(identifiers.length > 0 ? { identifiers } : {}),
    ...(numbers.length > 0 ? { certificateNumbers: numbers } : {}),
    ...(id ? { id } : {}),
  };
}

/** Keys of the EHR's Organization (configured identifiers, mch-licence numbers) and its id. */
export function organizationKeys(
  policy: RegistryIdentifierPolicy,
  id: string | undefined,
  organization: Organization | undefined,
): OrganizationKeys {
  const identifiers = lookupIdentifiers(policy, 'organization', organization?.identifier);
  const numbers = organization
    ? [
        ...new Set(
          organizationCredentialsFromFhir(organization)
            .value.licences.map((l) => l.number.trim())
            .filter(Boolean),
        ),
      ]
    : [];
  return {
    ...(identifiers.length > 0 ? { identifiers } : {}),
    ...(numbers.length > 0 ? { licenceNumbers: numbers } : {}),
    ...(id ? { id } : {}),
  };
}

/** The primitive reads a store gives `findHolder`: current holders by key, and one holder by id. */
export interface HolderLookup<T> {
  /** Registry ids of the holders whose current facts carry any of the identifiers. */
  byIdentifiers(identifiers: readonly BusinessIdentifier[]): Promise<readonly string[]>;
  /** Registry ids of the holders of the current certificates / licences with any of the numbers. */
  byNumbers(numbers: readonly string[]): Promise<readonly string[]>;
  read(id: string): Promise<T | undefined>;
}

/**
 * The one matching procedure (every adapter answers through it): identifiers, else numbers, else
 * the id; the first step with a hit decides. Several holders in that step is a conflict. A holder
 * found by id whose identifier of a system the keys also carry has another value is another
 * holder with a colliding id: a conflict too, never a match.
 */
export async function findHolder<T extends { readonly identifiers?: readonly BusinessIdentifier[] }>(
  keys: { readonly identifiers?: readonly BusinessIdentifier[]; readonly numbers?: readonly string[]; readonly id?: string },
  numberMatch: Extract<RegistryMatch, 'certificate-number' | 'licence-number'>,
  lookup: HolderLookup<T>,
): Promise<RegistryFind<T>> {
  const identifiers = normalizeIdentifiers(keys.identifiers);
  const numbers = [...new Set((keys.numbers ?? []).map((n) => n.trim()).filter(Boolean))];
  const steps: [RegistryMatch, () => Promise<readonly string[]>][] = [];
  if (identifiers.length > 0) steps.push(['identifier', () => lookup.byIdentifiers(identifiers)]);
  if (numbers.length > 0) steps.push([numberMatch, () => lookup.byNumbers(numbers)]);
  for (const [match, hits] of steps) {
    const ids = [...new Set(await hits())].sort();
    if (ids.length > 1) return { outcome: 'conflict', match, reason: 'several-records', ids };
    if (ids.length === 1) {
      const record = await lookup.read(ids[0]!);
      if (record) return { outcome: 'found', record, match };
    }
  }
  if (!keys.id) return { outcome: 'not-found' };
  const record = await lookup.read(keys.id);
  if (!record) return { outcome: 'not-found' };
  const systems = new Set(identifiers.map((i) => i.system));
  const sent = new Set(identifiers.map((i) => `${i.system}|${i.value}`));
  const differs = (record.identifiers ?? []).some((i) => systems.has(i.system) && !sent.has(`${i.system}|${i.value}`));
  if (differs) return { outcome: 'conflict', match: 'id', reason: 'identifier-differs', ids: [keys.id] };
  return { outcome: 'found', record, match: 'id' };
}
