import type { Quantity } from '@medplum/fhirtypes';
import { SYSTEMS } from '../codes.js';

/**
 * Length normalisation. Accepted: UCUM `cm` and `mm` (by `code` when the system is UCUM, else by the
 * `unit` text, exactly). Anything else — another unit, another system, a comparator (`<5 cm`), a
 * missing or negative value — is unusable, and the reason says why.
 */
export type Normalised = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly reason: string };

const TO_MM: Record<string, number> = { mm: 1, cm: 10 };

export function lengthIn(q: Quantity | undefined, target: 'cm' | 'mm'): Normalised {
  if (!q) return { ok: false, reason: 'no quantity value' };
  if (typeof q.value !== 'number' || !Number.isFinite(q.value) || q.value < 0) return { ok: false, reason: 'no numeric value' };
  if (q.comparator) return { ok: false, reason: `value has comparator ${q.comparator}` };
  if (q.system !== undefined && q.system !== SYSTEMS.ucum) return { ok: false, reason: `unit system ${q.system} is not UCUM` };
  const unit = q.system === SYSTEMS.ucum && q.code !== undefined ? q.code : (q.code ?? q.unit);
  const factor = unit === undefined ? undefined : TO_MM[unit];
  if (factor === undefined) return { ok: false, reason: `unit ${unit ?? '(none)'} is not cm or mm` };
  const mm = q.value * factor;
  // Round away binary noise (5.1 cm → 51 mm → 5.1 cm exactly enough for comparisons).
  const value = Math.round((target === 'mm' ? mm : mm / 10) * 1e9) / 1e9;
  return { ok: true, value };
}

/** A gestational age quantity in days: UCUM `d`, or `wk` (× 7, rounded to the nearest day). */
export function durationInDays(q: Quantity | undefined): Normalised {
  if (!q || typeof q.value !== 'number' || !Number.isFinite(q.value) || q.value < 0) return { ok: false, reason: 'no numeric value' };
  if (q.comparator) return { ok: false, reason: `value has comparator ${q.comparator}` };
  if (q.system !== undefined && q.system !== SYSTEMS.ucum) return { ok: false, reason: `unit system ${q.system} is not UCUM` };
  const unit = q.code ?? q.unit;
  if (unit === 'd') return { ok: true, value: Math.round(q.value) };
  if (unit === 'wk') return { ok: true, value: Math.round(q.value * 7) };
  return { ok: false, reason: `unit ${unit ?? '(none)'} is not d or wk` };
}
