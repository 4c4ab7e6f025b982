import type { Observation } from '@medplum/fhirtypes';
import type { Normalised } from '../../clinical/data-elements/units.js';
import { SYSTEMS } from '../../clinical/codes.js';

/**
 * Readers of the NIPT measurements (docs/rules.md#units; unreadable values are reported, not guessed).
 */

/** BMI (LOINC 39156-5) in kg/m²: UCUM `kg/m2` (or the same written as unit text), or no unit. */
export function bmiValue(o: Observation): Normalised {
  const q = o.valueQuantity;
  if (!q || typeof q.value !== 'number' || !Number.isFinite(q.value) || q.value <= 0) return { ok: false, reason: 'no numeric BMI value' };
  if (q.comparator) return { ok: false, reason: `value has comparator ${q.comparator}` };
  if (q.system !== undefined && q.system !== SYSTEMS.ucum) return { ok: false, reason: 'unit system is not UCUM' };
  const unit = q.code ?? q.unit;
  if (unit !== undefined && !['kg/m2', 'kg/m^2', 'kg/m²'].includes(unit)) return { ok: false, reason: `unit ${unit} is not kg/m2` };
  return { ok: true, value: q.value };
}

/** Number of fetuses (55281-0 / 246435002): valueInteger, or valueQuantity with a whole number. */
export function fetusCount(o: Observation): Normalised {
  const v = o.valueInteger ?? o.valueQuantity?.value;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return { ok: false, reason: 'no whole-number fetus count' };
  if (o.valueQuantity?.comparator) return { ok: false, reason: `value has comparator ${o.valueQuantity.comparator}` };
  return { ok: true, value: v };
}
