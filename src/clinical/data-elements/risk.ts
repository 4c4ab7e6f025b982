import type { Observation } from '@medplum/fhirtypes';
import { SYSTEMS } from '../codes.js';
import type { Normalised } from './units.js';

/**
 * Screening risk normalised to N, where risk = 1/N (so "high risk" at a 1/270 cut-off is N ≤ 270).
 *
 * Accepted (docs/rules.md#risks):
 * - valueString `1:270`, `1/270`, full-width `1：270` / `1／270`, thousands separators `1:1,000`;
 * - valueRatio numerator a / denominator b, both positive → N = b / a (`1:270` → 270);
 * - valueQuantity with UCUM unit `1` (a probability 0 < p ≤ 1, e.g. 0.0037 → N ≈ 270.3) or `%`
 *   (0 < p ≤ 100, N = 100 / p).
 * Unusable (reported, never guessed): valueInteger / bare numbers (is 270 a 1/270 risk or a
 * score?), a quantity without unit or with any other unit, a probability > 1 with unit `1`, zero or
 * negative numbers, any other text.
 */
const RISK_TEXT = /^\s*1\s*[:：/／]\s*(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*$/;

export function riskN(o: Observation): Normalised {
  if (typeof o.valueString === 'string') {
    const m = RISK_TEXT.exec(o.valueString);
    if (!m) return { ok: false, reason: 'risk text is not of the form 1:N' };
    const n = Number(m[1]!.replace(/,/g, ''));
    return n >= 1 ? { ok: true, value: n } : { ok: false, reason: 'risk 1:N with N < 1' };
  }
  if (o.valueRatio) {
    const a = o.valueRatio.numerator?.value;
    const b = o.valueRatio.denominator?.value;
    if (typeof a !== 'number' || typeof b !== 'number' || !(a > 0) || !(b > 0) || b < a)
      return { ok: false, reason: 'ratio is not a risk a:b with 0 < a ≤ b' };
    return { ok: true, value: b / a };
  }
  if (o.valueQuantity) {
    const q = o.valueQuantity;
    const p = q.value;
    if (typeof p !== 'number' || !Number.isFinite(p) || p <= 0) return { ok: false, reason: 'no positive numeric value' };
    if (q.comparator) return { ok: false, reason: `value has comparator ${q.comparator}` };
    if (q.system !== undefined && q.system !== SYSTEMS.ucum) return { ok: false, reason: 'unit system is not UCUM' };
    const unit = q.code ?? q.unit;
    if (unit === '1' && p <= 1) return { ok: true, value: 1 / p };
    if (unit === '%' && p <= 100) return { ok: true, value: 100 / p };
    return { ok: false, reason: `risk quantity with unit ${unit ?? '(none)'} is ambiguous` };
  }
  if (o.valueInteger !== undefined) return { ok: false, reason: 'integer risk is ambiguous (1/N or a score?)' };
  return { ok: false, reason: 'no risk value' };
}

/** AFP MoM: a plain positive number (valueQuantity with unit absent, `1` or `{MoM}`). */
export function momValue(o: Observation): Normalised {
  const q = o.valueQuantity;
  if (!q || typeof q.value !== 'number' || !Number.isFinite(q.value) || q.value < 0) return { ok: false, reason: 'no numeric MoM value' };
  if (q.comparator) return { ok: false, reason: `value has comparator ${q.comparator}` };
  const unit = q.code ?? q.unit;
  if (unit !== undefined && unit !== '1' && unit !== '{MoM}' && unit !== 'MoM')
    return { ok: false, reason: `unit ${unit} is not a multiple of the median` };
  return { ok: true, value: q.value };
}
