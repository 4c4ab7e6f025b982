/**
 * Calendar-day arithmetic on integer day numbers (days since 1970-01-01, proleptic Gregorian).
 * No `Date` in the local time zone is ever involved: day numbers are computed with integer
 * arithmetic only (H. Hinnant's days-from-civil / civil-from-days), so the process TZ cannot shift
 * a day. Inputs the integer path does not cover (non-integers, beyond the ±10⁸ days a `Date`
 * holds) go through the UTC `Date` computation, whose results the integer path reproduces exactly
 * (tested against it over a wide range, test/calendar/day-number.test.ts).
 *
 * Days are `YYYY-MM-DD` strings (years 0001–9999) or day numbers; an invalid day (`1985-02-30`) is
 * `undefined` from `toDayNumber` and a `RangeError` from the arithmetic (a bug in the caller, who
 * should have validated it), never a rolled-over day.
 */
const MS_PER_DAY = 86_400_000;

/** A calendar day as an integer: days since 1970-01-01. */
export type DayNumber = number;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const THIRTY_DAYS: readonly number[] = [4, 6, 9, 11];

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return THIRTY_DAYS.includes(month) ? 30 : 31;
}

/** Whether (year, month, day) is a real calendar day (rejects 1985-02-30, 2023-13-01). */
export function isValidYmd(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    year >= 1 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** Day numbers a `Date` can hold (±8.64e15 ms). */
const MAX_DAYS = 100_000_000;
/** Integer inputs computed without `Date` (far beyond any clinical date; others use the `Date` path). */
const MAX_YEAR = 200_000;
const MAX_MONTH = 1_000_000;
const MAX_DAY = 10_000_000;

/** The UTC `Date` computation (overflowing months and days roll over; NaN beyond a `Date`). */
function dayNumberByDate(year: number, month: number, day: number): DayNumber {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(0, 0, 0, 0);
  return Math.round(d.getTime() / MS_PER_DAY);
}

export function dayNumberOf(year: number, month: number, day: number): DayNumber {
  if (
    !Number.isInteger(year) ||
    !Number.isInteger(month) ||
    !Number.isInteger(day) ||
    Math.abs(year) > MAX_YEAR ||
    Math.abs(month) > MAX_MONTH ||
    Math.abs(day) > MAX_DAY
  )
    return dayNumberByDate(year, month, day);
  // Months outside 1..12 roll into the year, as `setUTCFullYear` does.
  const m0 = month - 1;
  let y = year + Math.floor(m0 / 12);
  const m = m0 - Math.floor(m0 / 12) * 12 + 1;
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const n = era * 146_097 + doe - 719_468;
  return Math.abs(n) > MAX_DAYS ? dayNumberByDate(year, month, day) : n;
}

/**
 * `YYYY-MM-DD` → day number; undefined if not a valid full date. Read digit by digit (ASCII only,
 * as `/^\d{4}-\d{2}-\d{2}$/`): a QC report does this several times a case.
 */
export function toDayNumber(ymd: string): DayNumber | undefined {
  // Not a string (a value from JSON the types did not catch): undefined, as the pattern answered.
  if (typeof ymd !== 'string' || ymd.length !== 10 || ymd.charCodeAt(4) !== DASH || ymd.charCodeAt(7) !== DASH) return undefined;
  const y = digits(ymd, 0, 4);
  const mo = digits(ymd, 5, 2);
  const d = digits(ymd, 8, 2);
  return y >= 0 && mo >= 0 && d >= 0 && isValidYmd(y, mo, d) ? dayNumberOf(y, mo, d) : undefined;
}

const DASH = 0x2d;
const ZERO = 0x30;

/** The number written by `count` ASCII digits of `s` from `at`; −1 if any is not a digit. */
export function digits(s: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i += 1) {
    const c = s.charCodeAt(i) - ZERO;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Day number → `YYYY-MM-DD`. */
export function fromDayNumber(n: DayNumber): string {
  let year: number;
  let month: number;
  let day: number;
  if (Number.isInteger(n) && Math.abs(n) <= MAX_DAYS) {
    const z = n + 719_468;
    const era = Math.floor(z / 146_097);
    const doe = z - era * 146_097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    day = doy - Math.floor((153 * mp + 2) / 5) + 1;
    month = mp < 10 ? mp + 3 : mp - 9;
    year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  } else {
    const d = new Date(n * MS_PER_DAY);
    year = d.getUTCFullYear();
    month = d.getUTCMonth() + 1;
    day = d.getUTCDate();
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
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

/**
 * `ymd` + `years` calendar years, for due dates (credential renewal, training intervals): 29 February
 * becomes 28 February in a common year. Ages use `fullYears` (age.ts) instead, where a 29 February
 * birthday falls on 1 March in a common year — two conventions, each the usual one for its use.
 */
export function addYears(ymd: string, years: number): string {
  const { year, month, day } = ymdParts(ymd);
  const y = year + years;
  const d = Math.min(day, daysInMonth(y, month));
  return `${String(y).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Whole calendar days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  const a = toDayNumber(from);
  const b = toDayNumber(to);
  if (a === undefined || b === undefined) throw new RangeError(`not a calendar day: ${a === undefined ? from : to}`);
  return b - a;
}
