import { calendarDay } from '../clock.js';

/**
 * Calendar-day arithmetic for QC (CLINIC_TIMEZONE decides days, months and deadlines). Days are
 * `YYYY-MM-DD` strings; arithmetic is done on their UTC midnight, which has no DST.
 */

const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` → UTC midnight epoch ms, or `undefined` for a malformed or impossible date. */
export function parseDay(day: string): number | undefined {
  const m = DAY.exec(day);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === day ? ms : undefined;
}

/** The calendar day of an instant in a time zone. */
export function dayOf(instant: string, timeZone: string): string {
  return calendarDay(new Date(instant), timeZone);
}

/** `b - a` in whole calendar days. */
export function daysBetween(a: string, b: string): number {
  return Math.round(((parseDay(b) ?? NaN) - (parseDay(a) ?? NaN)) / DAY_MS);
}

/** The day `n` days after `day` (n may be negative). */
export function addDays(day: string, n: number): string {
  return new Date((parseDay(day) ?? NaN) + n * DAY_MS).toISOString().slice(0, 10);
}
