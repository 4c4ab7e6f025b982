import { dayNumberOf, daysInMonth, fromDayNumber, isValidYmd, type DayNumber } from './day-number.js';
import { calendarDay } from './zone.js';

/**
 * FHIR `date` / `dateTime` / `instant` values as calendar days. One grammar, two readings (the
 * time-zone rule is stated in ./index.ts):
 *
 * - `parseFhirDate(raw, timeZone)` — the clinical reading. `YYYY`, `YYYY-MM`, `YYYY-MM-DD`: the
 *   day(s) as written. A dateTime with a time and an offset (`Z`, `+08:00`) is an instant: its
 *   calendar day in `timeZone` (CLINIC_TIMEZONE): `2024-03-01T20:00:00Z` is 2024-03-02 in Shanghai.
 * - `parseDateAsWritten(raw)` — the administrative reading (validity of certificates and licences):
 *   the date part as written, even for a dateTime with an offset; years outside 1900–2999 are
 *   taken for typos (unusable), so a mistyped `3025` cannot make a certificate valid for ever.
 *
 * Grammar (both readings): `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or `YYYY-MM-DDThh:mm[:ss[.fff]][offset]`
 * with hh 00–23, mm 00–59, ss 00–60, offset `Z` or ±hh:mm (hh ≤ 14); surrounding blanks ignored.
 * A time without an offset is invalid FHIR; it is read by its date part as written (documented
 * choice: the local time of the record is the best guess of its clinic day, and the day is what
 * matters). Invalid values (`1985-02-30`, `2025-02-29`, `2023-13-01`, `24:00`, garbage) are
 * `undefined` — bad data, never a rolled-over or shifted date.
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

/** A date read as written, as `YYYY-MM-DD` strings (compared lexically). */
export interface DayRange {
  /** Earliest day (first day of the year / month for partial dates). */
  readonly first: string;
  /** Latest day (last day of the year / month for partial dates). */
  readonly last: string;
  /** `day` also for a dateTime (its date part). */
  readonly precision: 'year' | 'month' | 'day';
}

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d|60)(?:\.\d+)?)?(Z|[+-](?:0\d|1[0-4]):[0-5]\d)?$/;

/** A value that passed the grammar and the calendar: the days as written, and its instant if any. */
interface Written {
  readonly precision: DatePrecision;
  readonly year: number;
  readonly month: number;
  /** Set for day and time precision. */
  readonly day?: number;
  /** The trimmed value when it is an instant (a time with an offset). */
  readonly instant?: string;
}

function readFhirDate(raw: unknown): Written | undefined {
  if (typeof raw !== 'string') return undefined;
  const value = raw.trim();
  const d = DATE_RE.exec(value);
  if (d) {
    const year = Number(d[1]);
    if (year < 1) return undefined;
    if (d[2] === undefined) return { precision: 'year', year, month: 1 };
    const month = Number(d[2]);
    if (month < 1 || month > 12) return undefined;
    if (d[3] === undefined) return { precision: 'month', year, month };
    const day = Number(d[3]);
    return isValidYmd(year, month, day) ? { precision: 'day', year, month, day } : undefined;
  }
  const t = DATETIME_RE.exec(value);
  if (!t) return undefined;
  const [year, month, day] = [Number(t[1]), Number(t[2]), Number(t[3])];
  if (!isValidYmd(year, month, day)) return undefined;
  return t[7] === undefined ? { precision: 'time', year, month, day } : { precision: 'time', year, month, day, instant: value };
}

/** First and last day number a written value covers. */
function spanOf(w: Written): { first: DayNumber; last: DayNumber } {
  if (w.day !== undefined) {
    const n = dayNumberOf(w.year, w.month, w.day);
    return { first: n, last: n };
  }
  if (w.precision === 'year') return { first: dayNumberOf(w.year, 1, 1), last: dayNumberOf(w.year, 12, 31) };
  return { first: dayNumberOf(w.year, w.month, 1), last: dayNumberOf(w.year, w.month, daysInMonth(w.year, w.month)) };
}

/**
 * The clinical reading: a date as written, an instant as its calendar day in `timeZone`
 * (CLINIC_TIMEZONE). `undefined` if invalid.
 */
export function parseFhirDate(raw: unknown, timeZone: string): ClinicalDate | undefined {
  const w = readFhirDate(raw);
  if (!w) return undefined;
  const value = raw as string;
  if (w.instant === undefined) {
    const { first, last } = spanOf(w);
    return w.day === undefined
      ? { raw: value, precision: w.precision, first, last }
      : { raw: value, precision: w.precision, day: fromDayNumber(first), first, last };
  }
  const instant = new Date(w.instant.replace(/:60(?=[.Z+-]|$)/, ':59'));
  if (Number.isNaN(instant.getTime())) return undefined;
  const ymd = calendarDay(instant, timeZone);
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const n = dayNumberOf(y, m, d);
  return { raw: value, precision: 'time', day: ymd, first: n, last: n };
}

/** The calendar day (`YYYY-MM-DD`) of a value with at least day precision, clinical reading; undefined otherwise. */
export function clinicalDay(raw: unknown, timeZone: string): string | undefined {
  return parseFhirDate(raw, timeZone)?.day;
}

/** Years an administrative date may have; others are typos. */
const WRITTEN_YEARS = { min: 1900, max: 2999 } as const;

/**
 * The administrative reading (credential and licence validity, a day-level concept printed on the
 * document): the calendar days a FHIR date or dateTime covers, by its date part as written — no
 * time-zone conversion. `undefined` when absent, invalid or outside 1900–2999.
 */
export function parseDateAsWritten(raw: unknown): DayRange | undefined {
  const w = readFhirDate(raw);
  if (!w || w.year < WRITTEN_YEARS.min || w.year > WRITTEN_YEARS.max) return undefined;
  const { first, last } = spanOf(w);
  return { first: fromDayNumber(first), last: fromDayNumber(last), precision: w.precision === 'time' ? 'day' : w.precision };
}
