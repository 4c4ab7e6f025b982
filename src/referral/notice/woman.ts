import type { HumanName, Patient, Practitioner } from '@medplum/fhirtypes';
import { fullYears, toDayNumber } from '../../calendar/index.js';
import { patientMrn } from '../../clinical/patient-mrn.js';

/**
 * The woman's name and ages as the written notice shows them. Names are patient-derived: they are
 * returned raw and escaped by whoever puts them into markup.
 */

const CJK = /[\u3400-\u9fff\uf900-\ufaff\u{20000}-\u{2ffff}]/u;

function pickName(names: readonly HumanName[]): HumanName | undefined {
  const usable = names.filter((n) => n.use !== 'old' && !n.period?.end);
  return usable.find((n) => n.use === 'official') ?? usable.find((n) => n.use === 'usual') ?? usable[0] ?? names[0];
}

/**
 * Display name: `HumanName.text` when present; else Chinese order without spaces (family + given,
 * e.g. 王 + 小红 → 王小红) when any part is CJK; else given names then family, space-separated.
 * Prefers `use: official`, then `usual`, then the first current name. `undefined` when none.
 */
export function patientDisplayName(patient: Patient): string | undefined {
  return displayName(patient.name ?? []);
}

/** The physician's printed name (same rules as the woman's), from her Practitioner resource. */
export function practitionerDisplayName(practitioner: Practitioner | undefined): string | undefined {
  return practitioner ? displayName(practitioner.name ?? []) : undefined;
}

/**
 * Her record number: `Patient.identifier` of the configured system (MRN_SYSTEM,
 * docs/design.md#written-notice), chosen as the audit chooses it (`patientMrn`); `undefined` when no
 * system is configured or she has none.
 */
export function recordNumber(patient: Patient, system: string | undefined): string | undefined {
  return patientMrn(patient, system);
}

function displayName(names: readonly HumanName[]): string | undefined {
  const n = pickName(names);
  if (!n) return undefined;
  const text = n.text?.trim();
  if (text) return text;
  const family = n.family?.trim() ?? '';
  const given = (n.given ?? []).map((g) => g.trim()).filter(Boolean);
  if (CJK.test(family) || given.some((g) => CJK.test(g))) return family + given.join('') || undefined;
  return [...given, family].filter(Boolean).join(' ') || undefined;
}

/**
 * Full years (周岁) between a birth date and a calendar day (both YYYY-MM-DD), with the clinical
 * age rules of src/calendar (29 February births age on 1 March in non-leap years). A partial
 * or invalid birth date (`1985`, `1985-02-30`) gives `undefined`: the notice says "unknown" rather
 * than guess.
 */
export function fullYearsBetween(birthDate: string | undefined, onDate: string | undefined): number | undefined {
  if (!birthDate || !onDate || toDayNumber(birthDate) === undefined || toDayNumber(onDate) === undefined) return undefined;
  const years = fullYears(birthDate, onDate);
  return years >= 0 ? years : undefined;
}
