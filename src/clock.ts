import { calendarDay } from './calendar/index.js';

/**
 * The clock is an argument: nothing else in the code base calls `new Date()` / `Date.now()` for
 * clinical decisions. `today` is the calendar day in CLINIC_TIMEZONE — it decides ages,
 * gestational age, windows and deadlines.
 */
export interface ClinicalNow {
  /** The instant, ISO 8601 with offset Z. */
  readonly instant: string;
  /** The calendar day in `timeZone`, YYYY-MM-DD. */
  readonly today: string;
  /** IANA zone that defined `today`. */
  readonly timeZone: string;
}

export interface Clock {
  now(): ClinicalNow;
}

export function clinicalNowAt(instant: Date, timeZone: string): ClinicalNow {
  return Object.freeze({ instant: instant.toISOString(), today: calendarDay(instant, timeZone), timeZone });
}

/** The only place the wall clock is read. */
export function systemClock(timeZone: string): Clock {
  return { now: () => clinicalNowAt(new Date(), timeZone) };
}

/** A fixed clock for tests and retrospective audits. */
export function fixedClock(instant: string | Date, timeZone: string): Clock {
  const at = clinicalNowAt(typeof instant === 'string' ? new Date(instant) : instant, timeZone);
  return { now: () => at };
}
