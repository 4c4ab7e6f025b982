import { calendarDay } from '../../clock.js';
import { dayNumberOf, daysInMonth, fromDayNumber, isValidYmd, type DayNumber } from './day-number.js';

/**
 * FHIR `date` / `dateTime` / `instant` values read as clinical calendar days.
 *
 * - `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (FHIR date, or dateTime without time): the day(s) as written.
 * - dateTime with a time and an offset (`Z`, `+08:00`): the calendar day of that instant in the
 *   clinic time zone (`timeZone`, e.g. Asia/Shanghai): `2024-03-01T20:00:00Z` is 2024-03-02 there.
 * - A time without an offset is invalid FHIR; we take the date part as written (documented choice:
 *   the local time of the record is the best guess of its clinic day, and the day is what matters).
 * - Invalid values (`1985-02-30`, `2023-13-01`, `24:00`, garbage) are `undefined` — bad data, never a
 *   shifted date.
 */
export type DatePrecision = 'year' | 'month' | 'day' | 'time';

export interface ClinicalDate {
  /** The value as written in the record. */
  readonly raw: string;
  readonly precision: DatePrecision;
  /** `YYYY-MM-DD` when precision is `day` or `time`. */
  readonly day?: string;
  /** First and last calendar day the value can denote (equal for day/time precision). */
  readonly first: DayNumber;
  readonly last: DayNumber;
}

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DATETIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d|60)(?:\.\d+)?)?(Z|[+-](?:0\d|1[0-4]):[0-5]\d)?$/;

/** Parses a FHIR date/dateTime/instant into a clinical calendar day (range); undefined if invalid. */
export function parseFhirDate(raw: unknown, timeZone: string): ClinicalDate | undefined {
  if (typeof raw !== 'string') return undefined;
  const value = raw.trim();
  const d = DATE_RE.exec(value);
  if (d) {
    const year = Number(d[1]);
    if (year < 1) return undefined;
    if (d[2] === undefined) {
      return { raw, precision: 'year', first: dayNumberOf(year, 1, 1), last: dayNumberOf(year, 12, 31) };
    }
    const month = Number(d[2]);
    if (month < 1 || month > 12) return undefined;
    if (d[3] === undefined) {
      return { raw, precision: 'month', first: dayNumberOf(year, month, 1), last: dayNumberOf(year, month, daysInMonth(year, month)) };
    }
    const day = Number(d[3]);
    if (!isValidYmd(year, month, day)) return undefined;
    const n = dayNumberOf(year, month, day);
    return { raw, precision: 'day', day: fromDayNumber(n), first: n, last: n };
  }
  const t = DATETIME_RE.exec(value);
  if (!t) return undefined;
  const [year, month, day] = [Number(t[1]), Number(t[2]), Number(t[3])];
  if (!isValidYmd(year, month, day)) return undefined;
  let ymd = `${t[1]}-${t[2]}-${t[3]}`;
  if (t[7] !== undefined) {
    const instant = new Date(value.replace(/:60(?=[.Z+-]|$)/, ':59'));
    if (Number.isNaN(instant.getTime())) return undefined;
    ymd = calendarDay(instant, timeZone);
  }
  const [y2, m2, d2] = ymd.split('-').map(Number) as [number, number, number];
  const n = dayNumberOf(y2, m2, d2);
  return { raw, precision: 'time', day: ymd, first: n, last: n };
}

/** The calendar day (`YYYY-MM-DD`) of a value with at least day precision; undefined otherwise. */
export function clinicalDay(raw: unknown, timeZone: string): string | undefined {
  return parseFhirDate(raw, timeZone)?.day;
}
