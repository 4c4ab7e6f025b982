import type { Resource } from '@medplum/fhirtypes';

/**
 * Which patient a Bulk Data resource belongs to (FHIR Bulk Data: the Patient compartment). A
 * Patient is its own; others name her in `subject` or `patient` (relative `Patient/<id>` or an
 * absolute URL ending in it). `undefined` when the resource names no patient (unattributed).
 */
export function patientIdOf(resource: Resource): string | undefined {
  if (resource.resourceType === 'Patient') return typeof resource.id === 'string' && resource.id !== '' ? resource.id : undefined;
  const r = resource as { subject?: { reference?: unknown }; patient?: { reference?: unknown } };
  const ref = r.subject?.reference ?? r.patient?.reference;
  if (typeof ref !== 'string') return undefined;
  const m = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(ref);
  return m?.[1];
}

/** Resource types that are shared reference data, not patient-scoped (joined by reference). */
export const SHARED_TYPES: ReadonlySet<string> = new Set(['Medication']);

/** The references a patient's resources make to shared reference data (e.g. `Medication/x`). */
export function sharedReferencesOf(resource: Resource): string[] {
  const ref = (resource as { medicationReference?: { reference?: unknown } }).medicationReference?.reference;
  return typeof ref === 'string' ? [ref] : [];
}

/** FNV-1a 32-bit hash of a string: stable across runs and processes, cheap. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The bucket (0 .. buckets−1) of a patient id: every resource of one patient lands in the same one. */
export function bucketOf(patientId: string, buckets: number): number {
  return fnv1a(patientId) % buckets;
}

/**
 * How many buckets so that one bucket (raw NDJSON bytes) stays near `bucketBytes` — parsed JSON
 * takes several times its text size in memory, so keep `bucketBytes` well under the heap. Capped
 * to keep the number of open temp files reasonable.
 */
export function bucketCount(totalBytes: number, bucketBytes: number, max = 512): number {
  return Math.max(1, Math.min(max, Math.ceil(totalBytes / Math.max(1, bucketBytes))));
}
