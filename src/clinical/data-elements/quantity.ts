import type { Observation } from '@medplum/fhirtypes';
import type { ReadContext, Unusable } from './context.js';
import { hasNoValue, selectObservations, type ObservationEvidence } from './observations.js';
import type { Normalised } from './units.js';

/** The latest measurement of an element: a usable value, an unusable latest one, or none. */
export type Latest =
  | { readonly kind: 'value'; readonly evidence: ObservationEvidence; readonly value: number }
  | { readonly kind: 'unusable'; readonly unusable: Unusable }
  | { readonly kind: 'none'; readonly unusable: readonly Unusable[] };

/**
 * The most recent usable measurement decides (docs/rules.md#usable-evidence). Observations with `dataAbsentReason` (or no
 * value) carry no value and are passed over. If the most recent one that has a value cannot be read
 * (unit, format), the answer is `unusable`: an older value is superseded and must not decide.
 * Undated / invalid-date evidence that could not even be placed is returned in `none.unusable`.
 */
export function latestMeasurement(ctx: ReadContext, valueSetId: string, scoped: boolean, read: (o: Observation) => Normalised): Latest {
  const sel = selectObservations(ctx, valueSetId, scoped);
  for (const ev of sel.usable) {
    if (hasNoValue(ev.resource)) continue;
    const n = read(ev.resource);
    if (!n.ok) return { kind: 'unusable', unusable: { reference: ev.reference, reason: n.reason } };
    return { kind: 'value', evidence: ev, value: n.value };
  }
  return { kind: 'none', unusable: sel.unusable };
}
