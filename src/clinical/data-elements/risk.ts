import type { Observation } from '@medplum/fhirtypes';
import { SYSTEMS } from '../codes.js';
import type { Normalised } from './units.js';

/**
 * Screening risk normalised to N, where risk = 1/N (so "high risk" at a 1/270 cut-off is N ≤ 270).
 *
 * Accepted (docs/rules.md#risks):
 * - text (`valueString`, after NFKC, so full-width `１：２７０` / `1／270` read as `1:270`) holding
 *   exactly one `1:N` / `1/N` (thousands separators `1:1,000`; words around it, e.g.
 *   "21三体风险 1:150 高风险", are allowed), or only a number: an integer N ≥ 1 means 1/N (a bare
 *   integer risk N means 1/N), a decimal 0 < p < 1 is a probability;
 * - `valueInteger` N ≥ 1 (1/N);
 * - `valueRatio` numerator a / denominator b with 0 < a ≤ b → N = b / a (`1:270` → 270);
 * - `valueQuantity` with UCUM unit `1` (a probability 0 < p ≤ 1, e.g. 0.0037 → N ≈ 270.3), `%`
 *   (0 < p ≤ 100, N = 100 / p), or no unit (an integer N ≥ 1, or a probability 0 < p < 1).
 * Unusable (reported, never guessed): two risks in one text, a bare decimal above 1, any other
 * unit, a probability > 1 with unit `1`, zero or negative numbers, any other text.
 */
const RATIO = /(?<![\d.,/])1\s*[:/]\s*(\d{1,3}(?:,\d{3})+(?![\d.])|\d+(?:\.\d+)?)(?![\d.,]*\d)(?!\s*[/:]\s*\d)/g;
const BARE = /^\s*(\d+(?:\.\d+)?)\s*$/;

/** N computed from a probability or ratio, without binary noise (1 / (1/270) is 270, not 270.00000000000006). */
const tidy = (n: number): number => Math.round(n * 1e6) / 1e6;

/** A bare number: an integer N ≥ 1 is 1/N; 0 < p < 1 is a probability. */
function bare(n: number): Normalised {
  if (!Number.isFinite(n) || n <= 0) return { ok: false, reason: 'risk is not a positive number' };
  if (n < 1) return { ok: true, value: tidy(1 / n) };
  if (Number.isInteger(n)) return { ok: true, value: n };
  return { ok: false, reason: `bare risk ${n} is neither an integer N (1/N) nor a probability` };
}

function riskText(raw: string): Normalised {
  const s = raw.normalize('NFKC');
  const ratios = [...s.matchAll(RATIO)];
  if (ratios.length > 1) return { ok: false, reason: 'several 1:N risks in one text' };
  if (ratios.length === 1) {
    const n = Number(ratios[0]![1]!.replace(/,/g, ''));
    return n >= 1 ? { ok: true, value: n } : { ok: false, reason: 'risk 1:N with N < 1' };
  }
  const m = BARE.exec(s);
  if (m) return bare(Number(m[1]));
  return { ok: false, reason: 'risk text is not of the form 1:N' };
}

export function riskN(o: Observation): Normalised {
  if (typeof o.valueString === 'string') return riskText(o.valueString);
  if (o.valueRatio) {
    const a = o.valueRatio.numerator?.value;
    const b = o.valueRatio.denominator?.value;
    if (typeof a !== 'number' || typeof b !== 'number' || !(a > 0) || !(b > 0) || b < a)
      return { ok: false, reason: 'ratio is not a risk a:b with 0 < a ≤ b' };
    return { ok: true, value: tidy(b / a) };
  }
  if (o.valueQuantity) {
    const q = o.valueQuantity;
    const p = q.value;
    if (typeof p !== 'number' || !Number.isFinite(p) || p <= 0) return { ok: false, reason: 'no positive numeric value' };
    if (q.comparator) return { ok: false, reason: `value has comparator ${q.comparator}` };
    if (q.system !== undefined && q.system !== SYSTEMS.ucum) return { ok: false, reason: 'unit system is not UCUM' };
    const unit = q.code ?? q.unit;
    if (unit === undefined || unit.trim() === '') return bare(p);
    if (unit === '1' && p <= 1) return { ok: true, value: tidy(1 / p) };
    if (unit === '%' && p <= 100) return { ok: true, value: tidy(100 / p) };
    return { ok: false, reason: `risk quantity with unit ${unit} is ambiguous` };
  }
  if (o.valueInteger !== undefined)
    return typeof o.valueInteger === 'number' ? bare(o.valueInteger) : { ok: false, reason: 'integer risk is not a number' };
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
