import type { Condition } from '@medplum/fhirtypes';
import type { CodedHit } from '../../clinical/data-elements/coded.js';

/**
 * Clinical status of a Condition: `active` | `recurrence` | `relapse` (or none recorded — FHIR
 * requires one, a record without it is taken at its word as a current problem) is active;
 * `inactive` | `remission` | `resolved` is not.
 */
const INACTIVE = new Set(['inactive', 'remission', 'resolved']);

export function conditionActive(c: Condition): boolean {
  const codes = (c.clinicalStatus?.coding ?? []).map((x) => x.code).filter((x): x is string => typeof x === 'string');
  return !codes.some((x) => INACTIVE.has(x));
}

/** Coded hits that are still current: Conditions must be active; Observations/reports pass. */
export function activeHits(hits: readonly CodedHit[]): CodedHit[] {
  return hits.filter((h) => h.source !== 'condition' || conditionActive(h.resource as Condition));
}
