import type { HumanName, Reference } from '@medplum/fhirtypes';

/**
 * Normalises a reference (`Organization/x`, `https://ehr/fhir/Organization/x/_history/2`) to
 * `Type/id`; `undefined` when it has no literal reference.
 */
export function relativeReference(ref: Reference | string | undefined): string | undefined {
  const r = typeof ref === 'string' ? ref : ref?.reference;
  if (typeof r !== 'string') return undefined;
  const parts = r.split('?')[0]!.split('/').filter(Boolean);
  const hist = parts.indexOf('_history');
  const core = hist > 0 ? parts.slice(0, hist) : parts;
  if (core.length < 2) return undefined;
  return `${core[core.length - 2]}/${core[core.length - 1]}`;
}

/** The bare id of a reference of the given type (`Practitioner/p1` → `p1`). */
export function idOf(ref: Reference | string | undefined, type: string): string | undefined {
  const rel = relativeReference(ref);
  if (!rel) return undefined;
  const [t, id] = rel.split('/');
  return t === type && id ? id : undefined;
}

/** A display name (patient/record-derived: escape before markup). */
export function nameText(names: readonly HumanName[] | undefined): string | undefined {
  const n = names?.find((x) => x.use === 'official') ?? names?.[0];
  if (!n) return undefined;
  if (n.text) return n.text;
  const s = [n.family, ...(n.given ?? [])].filter(Boolean).join('');
  return s || undefined;
}
