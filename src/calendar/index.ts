/**
 * The calendar: every calendar-day computation of the service (pure; no IO, no wall clock — "today"
 * comes from src/clock.ts as the calendar day in CLINIC_TIMEZONE).
 *
 * Days are `YYYY-MM-DD` strings or integer day numbers (days since 1970-01-01), computed with
 * integer arithmetic so the process time zone can never shift a day (day-number.ts). Invalid days
 * (`1985-02-30`, `2025-02-29`) are rejected, never rolled over.
 *
 * THE TIME-ZONE RULE. A value written as a day (`1991`, `1991-11`, `1991-11-05`) is that day, as
 * written, in every zone. An instant (a time with an offset: `2026-03-01T23:30:00+08:00`,
 * `…Z`, a server timestamp) is converted to its calendar day in CLINIC_TIMEZONE — with one
 * exception, administrative validity dates, whose date part is kept as written:
 *
 * | function | a day / partial date | an instant | used for |
 * |---|---|---|---|
 * | `parseFhirDate(raw, tz)`, `clinicalDay` | as written | day in `tz` (CLINIC_TIMEZONE) | clinical evidence: birth dates, observations, procedures, conditions, consents, notices |
 * | `instantDay(instant, tz)`, `calendarDay` | — | day in `tz` (CLINIC_TIMEZONE) | timestamps the service records (hook-call `receivedAt`, audit rows, report `issued`) — QC days, months and deadlines |
 * | `parseDateAsWritten(raw)` | as written | its date part, as written | certificate / licence validity, training and verification dates (registry, order checks) |
 *
 * So `2026-03-01T23:30:00+08:00` is 2026-03-01 for both readings in Asia/Shanghai, while
 * `2026-03-01T23:30:00Z` is 2026-03-02 clinically (07:30 in Shanghai) and 2026-03-01 as written.
 *
 * Ages: `fullYears` (周岁; a 29 February birthday is 1 March in a common year). Due dates:
 * `addYears` (29 February + 1 year = 28 February). Pregnancy: gestational-age.ts (Naegele, 280 days).
 */
export * from './day-number.js';
export * from './zone.js';
export * from './fhir-date.js';
export * from './age.js';
export * from './gestational-age.js';
