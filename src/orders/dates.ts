/**
 * A small, local calendar-day helper for credential dates (FHIR `date` / `dateTime`, possibly
 * partial: `YYYY`, `YYYY-MM`). Invalid input yields `undefined` — an unusable date that callers
 * report — never an exception. Days are `YYYY-MM-DD` strings compared lexically.
 */

/** A FHIR date resolved to calendar days: the earliest and latest day it can mean. */
export interface DayRange {
  /** Earliest day (first day of the year / month for partial dates). */
  readonly first: string;
  /** Latest day (last day of the year / month for partial dates). */
  readonly last: string;
  readonly precision: 'year' | 'month' | 'day';
}

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?)?)?$/;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Days in month `m` (1..12) of year `y`. */
export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * Parses a FHIR date or dateTime into the calendar days it covers. A dateTime counts by its own
 * calendar day (credential validity is a day-level concept). `undefined` when absent or invalid.
 */
export function parseFhirDay(value: unknown): DayRange | undefined {
  if (typeof value !== 'string') return undefined;
  const m = DATE.exec(value.trim());
  if (!m) return undefined;
  const y = Number(m[1]);
  if (y < 1900 || y > 2999) return undefined;
  if (m[2] === undefined) return { first: `${m[1]}-01-01`, last: `${m[1]}-12-31`, precision: 'year' };
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return undefined;
  const dim = daysInMonth(y, mo);
  if (m[3] === undefined) return { first: `${m[1]}-${m[2]}-01`, last: `${m[1]}-${m[2]}-${pad(dim)}`, precision: 'month' };
  const d = Number(m[3]);
  if (d < 1 || d > dim) return undefined;
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  return { first: day, last: day, precision: 'day' };
}

/** `YYYY-MM-DD` plus `n` calendar years; 29 Feb becomes 28 Feb in a common year. */
export function addYears(day: string, n: number): string {
  const y = Number(day.slice(0, 4)) + n;
  const mo = Number(day.slice(5, 7));
  const d = Math.min(Number(day.slice(8, 10)), daysInMonth(y, mo));
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}`;
}

/** `YYYY-MM-DD` plus `n` days (negative allowed). */
export function addDays(day: string, n: number): string {
  const t = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (`b - a`). */
export function daysBetween(a: string, b: string): number {
  const ta = Date.UTC(Number(a.slice(0, 4)), Number(a.slice(5, 7)) - 1, Number(a.slice(8, 10)));
  const tb = Date.UTC(Number(b.slice(0, 4)), Number(b.slice(5, 7)) - 1, Number(b.slice(8, 10)));
  return Math.round((tb - ta) / 86_400_000);
}
