import type { Resource, ResourceType, Patient } from '@medplum/fhirtypes';
import { deepFreeze } from '../deep-freeze.js';

/**
 * The one frozen, typed view of the data a hook call is about. Built once per request by the FHIR
 * adapter (prefetch first, fetch fallback) and read by every rule; rules never do IO.
 *
 * Resources are deduplicated by `resourceType/id` and indexed by type once. The snapshot and every
 * resource in it are deep-frozen: a rule (or fhirpath.js, which annotates what it is given) that
 * tries to write into it throws in strict mode, which tests rely on.
 */
export interface PatientSnapshot {
  readonly patientId: string;
  /** `undefined` only when the patient could not be read (the hook call then answers 412). */
  readonly patient: Patient | undefined;
  /** Every resource of a type (deduplicated; order as received). */
  ofType<T extends ResourceType>(type: T): readonly Extract<Resource, { resourceType: T }>[];
  /** A resource by `Type/id` reference, if present in the snapshot. */
  byReference(reference: string): Resource | undefined;
  /** Draft orders of order-select / order-sign (`context.draftOrders` Bundle entries). */
  readonly draftOrders: readonly Resource[];
  /** `context.selections` of order-select (references such as `ServiceRequest/abc`). */
  readonly selections: readonly string[];
  /** `context.userId` (e.g. `Practitioner/123` or `PractitionerRole/9`). */
  readonly userId: string | undefined;
  /** `context.encounterId` when the hook carries one. */
  readonly encounterId: string | undefined;
  /**
   * Prefetch keys whose data could be neither prefetched nor fetched but that the service does not
   * require (the service degrades, and says so, instead of answering 412).
   */
  readonly unavailable: readonly string[];
  /**
   * References the decision needs whose target could not be fetched (`Organization/x`, with why):
   * what depends on them is "could not verify", never a finding (docs/design.md#reference-fetch).
   */
  readonly unresolved: readonly UnresolvedReference[];
  /**
   * Set when the EHR prefetched `patient: null`: it says the patient does not exist
   * (https://cds-hooks.hl7.org/2.0/#prefetch-template), so the call is answered with no cards and
   * no service runs (docs/design.md#prefetch) — not 412. The snapshot is then empty.
   */
  readonly patientNoData?: true;
}

/** A reference (normalised `Type/id`) whose target is neither in the record nor fetchable, and why. */
export interface UnresolvedReference {
  readonly reference: string;
  readonly reason: string;
}

export interface SnapshotInput {
  readonly patientId: string;
  readonly resources: readonly Resource[];
  readonly draftOrders?: readonly Resource[];
  readonly selections?: readonly string[];
  readonly userId?: string;
  readonly encounterId?: string;
  readonly unavailable?: readonly string[];
  readonly unresolved?: readonly UnresolvedReference[];
  readonly patientNoData?: true;
}

/** Builds the snapshot: dedupes, indexes by type and reference, deep-freezes. */
export function createSnapshot(input: SnapshotInput): PatientSnapshot {
  const byRef = new Map<string, Resource>();
  const byType = new Map<string, Resource[]>();
  for (const r of input.resources) {
    if (!r || typeof r !== 'object' || typeof r.resourceType !== 'string') continue;
    const key = r.id ? `${r.resourceType}/${r.id}` : undefined;
    if (key) {
      if (byRef.has(key)) continue;
      byRef.set(key, r);
    }
    let list = byType.get(r.resourceType);
    if (!list) byType.set(r.resourceType, (list = []));
    list.push(r);
  }
  for (const r of byRef.values()) deepFreeze(r);
  for (const list of byType.values()) deepFreeze(list);
  const draftOrders = deepFreeze([...(input.draftOrders ?? [])]);
  const patient = byRef.get(`Patient/${input.patientId}`) as Patient | undefined;
  const empty: readonly Resource[] = Object.freeze([]);
  return Object.freeze({
    patientId: input.patientId,
    patient,
    ofType: ((type: string) => byType.get(type) ?? empty) as PatientSnapshot['ofType'],
    byReference: (reference: string) => byRef.get(reference),
    draftOrders,
    selections: Object.freeze([...(input.selections ?? [])]),
    userId: input.userId,
    encounterId: input.encounterId,
    unavailable: Object.freeze([...(input.unavailable ?? [])]),
    unresolved: deepFreeze((input.unresolved ?? []).map((u) => ({ reference: u.reference, reason: u.reason }))),
    ...(input.patientNoData ? { patientNoData: true as const } : {}),
  });
}
