/**
 * Calendar-day arithmetic on integer day numbers (days since 1970-01-01, proleptic Gregorian).
 * No `Date` in the local time zone is ever involved: `Date.UTC` turns a (year, month, day) into a
 * UTC-midnight epoch that is divided exactly by 86 400 000, so the process TZ cannot shift a day.
 */
const MS_PER_DAY = 86_400_000;

/** A calendar day as an integer: days since 1970-01-01. */
export type DayNumber = number;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Whether (year, month, day) is a real calendar day (rejects 1985-02-30, 2023-13-01). */
export function isValidYmd(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) && Number.isInteger(month) && Number.isInteger(day) &&
    year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
  );
}

export function dayNumberOf(year: number, month: number, day: number): DayNumber {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(0, 0, 0, 0);
  return Math.round(d.getTime() / MS_PER_DAY);
}

/** `YYYY-MM-DD` → day number; undefined if not a valid full date. */
export function toDayNumber(ymd: string): DayNumber | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isValidYmd(y, mo, d) ? dayNumberOf(y, mo, d) : undefined;
}

/** Day number → `YYYY-MM-DD`. */
export function fromDayNumber(n: DayNumber): string {
  const d = new Date(n * MS_PER_DAY);
  const y = String(d.getUTCFullYear()).padStart(4, '0');
  const m = String(d.getUTCMonth() + 1).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, '0');
  return `${y}-${m}-${day}`;
}

/** Splits a valid `YYYY-MM-DD` into numbers (throws on an invalid day: a bug in the caller). */
export function ymdParts(ymd: string): { year: number; month: number; day: number } {
  const n = toDayNumber(ymd);
  if (n === undefined) throw new RangeError(`not a calendar day: ${ymd}`);
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  return { year: y, month: m, day: d };
}

/** `ymd` + `days` calendar days. */
export function addDays(ymd: string, days: number): string {
  const n = toDayNumber(ymd);
  if (n === undefined) throw new RangeError(`not a calendar day: ${ymd}`);
  return fromDayNumber(n + days);
}

/** Whole calendar days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  const a = toDayNumber(from);
  const b = toDayNumber(to);
  if (a === undefined || b === undefined) throw new RangeError(`not a calendar day: ${a === undefined ? from : to}`);
  return b - a;
}
