/**
 * The one place an instant becomes a calendar day: the day it is in an IANA time zone (the clinic's,
 * CLINIC_TIMEZONE). `Intl` does the zone arithmetic; the process TZ plays no part.
 */
import { digits, toDayNumber } from './day-number.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Per zone, the day of each 15-minute span of UTC whose start and last millisecond fall on the same
 * day there — the whole span is then that day (a zone's offset never changes twice in a quarter
 * hour). Offsets and transitions lie on quarter hours, so local midnight falls between spans and
 * almost every span is kept; one where the ends differ (a historic offset in seconds) never is.
 * `Intl` formatting costs a microsecond or more a call; a QC report calls it per case.
 */
const spans = new Map<string, Map<number, string>>();
const SPAN_MS = 15 * 60_000;
/** Spans kept per zone before the map starts afresh: about four years of distinct quarter hours. */
const MAX_SPANS = 150_000;

/** Calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function calendarDay(instant: Date, timeZone: string): string {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) return format(instant, timeZone); // the RangeError of an invalid date
  const span = Math.floor(ms / SPAN_MS);
  let days = spans.get(timeZone);
  const known = days?.get(span);
  if (known !== undefined) return known;
  const day = format(instant, timeZone);
  const start = span * SPAN_MS;
  if (format(new Date(start), timeZone) === day && format(new Date(start + SPAN_MS - 1), timeZone) === day) {
    if (!days || days.size >= MAX_SPANS) spans.set(timeZone, (days = new Map()));
    days.set(span, day);
  }
  return day;
}

function format(instant: Date, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f.format(instant);
}

/**
 * Calendar day in `timeZone` of an instant the service recorded or a FHIR `instant` element holds
 * (`receivedAt`, `DiagnosticReport.issued`, audit timestamps: always with an offset). Read with
 * `new Date(…)`; an unreadable instant is a `RangeError` (these values are never user-typed days —
 * for FHIR date/dateTime values use `parseFhirDate`).
 */
export function instantDay(instant: string, timeZone: string): string {
  return calendarDay(new Date(canonicalInstantMs(instant) ?? instant), timeZone);
}

/**
 * The milliseconds of a canonical UTC instant (`YYYY-MM-DDTHH:MM:SS.sssZ`, as the store and
 * `toISOString` write it) read digit by digit; `undefined` for any other form, which `Date` reads.
 * `Date`'s parser costs about 0.7 µs, and a QC report reads several instants a case.
 */
export function canonicalInstantMs(s: string): number | undefined {
  if (typeof s !== 'string' || s.length !== 24) return undefined; // `Date` then refuses what it refused
  if (s.charCodeAt(10) !== 0x54 /* T */ || s.charCodeAt(23) !== 0x5a /* Z */) return undefined;
  if (s.charCodeAt(13) !== 0x3a /* : */ || s.charCodeAt(16) !== 0x3a || s.charCodeAt(19) !== 0x2e /* . */) return undefined;
  const day = toDayNumber(s.slice(0, 10));
  const h = digits(s, 11, 2);
  const m = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  const ms = digits(s, 20, 3);
  if (day === undefined || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59 || ms < 0) return undefined;
  return day * 86_400_000 + h * 3_600_000 + m * 60_000 + sec * 1000 + ms;
}
