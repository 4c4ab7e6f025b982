import { addDays, daysBetween } from './day-number.js';

/** Naegele: a pregnancy is dated 280 days (40+0) from the LMP to the EDD. */
export const PREGNANCY_DAYS = 280;

/** Gestational age in days on `day` for a pregnancy with this EDD: 280 − (EDD − day). */
export function gestationalAgeDays(edd: string, day: string): number {
  return PREGNANCY_DAYS - daysBetween(day, edd);
}

/** LMP = EDD − 280 days. */
export function lmpFromEdd(edd: string): string {
  return addDays(edd, -PREGNANCY_DAYS);
}

/** EDD = LMP + 280 days. */
export function eddFromLmp(lmp: string): string {
  return addDays(lmp, PREGNANCY_DAYS);
}

/** EDD from a gestational age (days) observed on `day`: day + (280 − GA). */
export function eddFromGestationalAge(gaDays: number, day: string): string {
  return addDays(day, PREGNANCY_DAYS - gaDays);
}

/** `w+d` (e.g. 97 → "13+6"); negative ages are shown with a leading minus ("-0+3"). */
export function formatGestationalAge(days: number): string {
  const sign = days < 0 ? '-' : '';
  const abs = Math.abs(days);
  return `${sign}${Math.floor(abs / 7)}+${abs % 7}`;
}
