import { MCH_TECHNIQUE_CODES } from '../clinical/codes.js';
import { parseDateAsWritten } from '../calendar/index.js';
import type { RegistryIdentifierPolicy } from '../clinical/registry-identifiers.js';
import { identifierKind, normalizeIdentifiers, type Holder } from '../orders/registry-keys.js';
import type { BusinessIdentifier, CertificateRecord, LicenceRecord, RegistryBatch } from './registry-store.js';

/**
 * Registry import validation: the registry is the authoritative source the order checks trust
 * first (ZJ-2023 Art.6, 39), so a record it accepts must be complete and its dates readable.
 * Returns the reasons a record is rejected (empty = accepted).
 */
function dateProblems(label: string, v: string | undefined, required: boolean): string[] {
  if (v === undefined || v === '') return required ? [`${label} is required`] : [];
  return parseDateAsWritten(v) ? [] : [`${label} "${v}" is not a valid date (YYYY-MM-DD)`];
}

function technique(t: string): string[] {
  return (MCH_TECHNIQUE_CODES as readonly string[]).includes(t) ? [] : [`technique "${t}" is not an mch-technique code`];
}

export function certificateProblems(c: CertificateRecord): string[] {
  const out: string[] = [];
  if (!c.practitionerId) out.push('practitioner id is required');
  if (!c.number) out.push('certificate number is required');
  out.push(...technique(c.technique));
  out.push(...dateProblems('valid_from', c.validFrom, false), ...dateProblems('valid_to', c.validTo, false));
  out.push(...dateProblems('last_training', c.lastTraining, false));
  const from = parseDateAsWritten(c.validFrom);
  const to = parseDateAsWritten(c.validTo);
  if (from && to && to.last < from.first) out.push('valid_to is before valid_from');
  return out;
}

export function licenceProblems(l: LicenceRecord): string[] {
  const out: string[] = [];
  if (!l.organizationId) out.push('organization id is required');
  if (!l.number) out.push('licence number is required');
  if (l.techniques.length === 0) out.push('a licence lists at least one technique');
  for (const t of l.techniques) out.push(...technique(t));
  out.push(...dateProblems('valid_from', l.validFrom, false), ...dateProblems('valid_to', l.validTo, false));
  out.push(...dateProblems('last_verified', l.lastVerified, false));
  const from = parseDateAsWritten(l.validFrom);
  const to = parseDateAsWritten(l.validTo);
  if (from && to && to.last < from.first) out.push('valid_to is before valid_from');
  return out;
}

/** Merges licences of the same number within one import (one CSV row per technique is allowed). */
export function mergeLicences(list: readonly LicenceRecord[]): LicenceRecord[] {
  const byNumber = new Map<string, LicenceRecord>();
  for (const l of list) {
    const old = byNumber.get(l.number);
    byNumber.set(l.number, old ? { ...old, ...l, techniques: [...new Set([...old.techniques, ...l.techniques])] } : l);
  }
  return [...byNumber.values()];
}

type PractitionerEntry = RegistryBatch['practitioners'][number];

/** Merges practitioner entries of the same id within one import (name, organizations and identifiers accumulate). */
export function mergePractitioners(list: readonly PractitionerEntry[]): PractitionerEntry[] {
  const byId = new Map<string, PractitionerEntry>();
  for (const p of list) {
    const old = byId.get(p.practitionerId);
    const name = p.name ?? old?.name;
    const organizationIds = [...new Set([...(old?.organizationIds ?? []), ...(p.organizationIds ?? [])])];
    const identifiers = normalizeIdentifiers([...(old?.identifiers ?? []), ...(p.identifiers ?? [])]);
    byId.set(p.practitionerId, {
      practitionerId: p.practitionerId,
      ...(name ? { name } : {}),
      organizationIds,
      ...(identifiers.length > 0 ? { identifiers } : {}),
    });
  }
  return [...byId.values()];
}

/**
 * Parses an identifier list cell (src/registry/CSV.md#identifiers): `system|value` items separated by
 * `;`, the system an absolute URI or a kind name of the policy (`uscc|…` = the kind's first system).
 * Every system must be one the policy counts for the holder. Returns the identifiers or the reasons.
 */
export function parseIdentifierCell(
  column: string,
  cell: string | undefined,
  holder: Holder,
  policy: RegistryIdentifierPolicy,
): { identifiers: BusinessIdentifier[]; problems: string[] } {
  const identifiers: BusinessIdentifier[] = [];
  const problems: string[] = [];
  for (const item of (cell ?? '').split(';').map((x) => x.trim())) {
    if (item === '') continue;
    const parts = item.split('|');
    const system = parts[0]!.trim();
    const value = parts[1]?.trim() ?? '';
    if (parts.length !== 2 || system === '' || value === '') {
      problems.push(`${column} "${item}" is not system|value`);
      continue;
    }
    const resolved = Object.hasOwn(policy[holder], system) ? policy[holder][system]![0]! : system;
    if (identifierKind(policy, holder, resolved) === undefined) {
      problems.push(
        `${column} "${item}": "${system}" is not ${holder === 'organization' ? 'an' : 'a'} ${holder} identifier kind or system of the policy (${Object.keys(policy[holder]).join(', ') || 'none'})`,
      );
      continue;
    }
    identifiers.push({ system: resolved, value });
  }
  return { identifiers: normalizeIdentifiers(identifiers), problems };
}
