import type { Observation, ObservationComponent, Quantity } from '@medplum/fhirtypes';
import { SYSTEMS } from '../codes.js';

/**
 * Length normalisation (docs/rules.md#units). Accepted: centimetres and millimetres, written as UCUM
 * `cm` / `mm` in `code` or in `unit`, in any case and in full-width letters (`CM`, `ｃｍ`), or in
 * Chinese (厘米, 公分, 毫米); a length may also come as text (`valueString` "4 厘米", "40mm").
 * When `code` and `unit` both name a unit they must agree. Anything else — another unit or unit
 * system, no unit at all, a comparator (`<5 cm`), a missing or negative value — is unusable, and
 * the reason says why.
 */
export type Normalised = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly reason: string };

type LengthUnit = 'mm' | 'cm';

const TO_MM: Record<LengthUnit, number> = { mm: 1, cm: 10 };

/** Spellings of a length unit after NFKC and lower-casing. */
const LENGTH_SPELLINGS: Readonly<Record<string, LengthUnit>> = { mm: 'mm', cm: 'cm', 毫米: 'mm', 厘米: 'cm', 公分: 'cm' };

const text = (s: unknown): string | undefined => (typeof s === 'string' && s.trim() !== '' ? s.normalize('NFKC').trim() : undefined);

/** The length unit a spelling names, `undefined` when absent, `null` when it names no length unit. */
function lengthUnit(spelling: string | undefined): LengthUnit | null | undefined {
  if (spelling === undefined) return undefined;
  return LENGTH_SPELLINGS[spelling.toLowerCase()] ?? null;
}

function inTarget(value: number, unit: LengthUnit, target: LengthUnit): Normalised {
  const mm = value * TO_MM[unit];
  // Round away binary noise (5.1 cm → 51 mm → 5.1 cm exactly enough for comparisons).
  const v = Math.round((target === 'mm' ? mm : mm / 10) * 1e9) / 1e9;
  return Number.isFinite(v) ? { ok: true, value: v } : { ok: false, reason: 'value out of range' };
}

export function lengthIn(q: Quantity | undefined, target: LengthUnit): Normalised {
  if (!q || typeof q !== 'object') return { ok: false, reason: 'no quantity value' };
  if (typeof q.value !== 'number' || !Number.isFinite(q.value) || q.value < 0) return { ok: false, reason: 'no numeric value' };
  if (q.comparator) return { ok: false, reason: `value has comparator ${q.comparator}` };
  if (q.system !== undefined && q.system !== SYSTEMS.ucum) return { ok: false, reason: `unit system ${String(q.system)} is not UCUM` };
  const code = text(q.code);
  const unit = text(q.unit);
  const byCode = lengthUnit(code);
  const byUnit = lengthUnit(unit);
  // The code is the unit; the unit text is its display and, without a code, the unit.
  if (byCode === null) return { ok: false, reason: `unit ${code ?? ''} is not cm or mm` };
  if (byCode !== undefined) {
    if (byUnit && byUnit !== byCode) return { ok: false, reason: `unit ${unit ?? ''} and code ${code ?? ''} disagree` };
    return inTarget(q.value, byCode, target);
  }
  if (!byUnit) return { ok: false, reason: `unit ${unit ?? '(none)'} is not cm or mm` };
  return inTarget(q.value, byUnit, target);
}

/** A length written as text: a number and a unit ("4 厘米", "40mm", "4.5 CM"); a bare number has no unit. */
const LENGTH_TEXT = /^(\d+(?:\.\d+)?)\s*([^\d\s.]*)$/u;

export function lengthFromText(s: string, target: LengthUnit): Normalised {
  const m = LENGTH_TEXT.exec(s.normalize('NFKC').trim());
  if (!m) return { ok: false, reason: 'length text is not a number with a unit' };
  const unit = m[2] === '' ? undefined : m[2];
  const u = lengthUnit(unit);
  if (!u) return { ok: false, reason: `unit ${unit ?? '(none)'} is not cm or mm` };
  return inTarget(Number(m[1]), u, target);
}

/** The length an Observation (or one of its components) records: `valueQuantity`, else `valueString`. */
export function recordedLength(
  o: Pick<Observation | ObservationComponent, 'valueQuantity' | 'valueString'>,
  target: LengthUnit,
): Normalised {
  if (o.valueQuantity !== undefined) return lengthIn(o.valueQuantity, target);
  if (typeof o.valueString === 'string') return lengthFromText(o.valueString, target);
  return { ok: false, reason: 'no quantity value' };
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
