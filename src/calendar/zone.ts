/**
 * The one place an instant becomes a calendar day: the day it is in an IANA time zone (the clinic's,
 * CLINIC_TIMEZONE). `Intl` does the zone arithmetic; the process TZ plays no part.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function calendarDay(instant: Date, timeZone: string): string {
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
  return calendarDay(new Date(instant), timeZone);
}
