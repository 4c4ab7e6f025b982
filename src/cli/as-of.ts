import { calendarDay, toDayNumber } from '../calendar/index.js';
import { clinicalNowAt, type ClinicalNow } from '../clock.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The clinical "now" of a retrospective audit as of `day` (YYYY-MM-DD) in `timeZone`: today is that
 * calendar day and the instant is its last hour, so evidence recorded that day is not "in the
 * future". `undefined` for a malformed day.
 */
export function asOfDay(day: string, timeZone: string): ClinicalNow | undefined {
  const n = toDayNumber(day);
  if (n === undefined) return undefined;
  let ms = n * DAY + 12 * HOUR;
  for (let i = 0; i < 48 && calendarDay(new Date(ms), timeZone) > day; i++) ms -= HOUR;
  for (let i = 0; i < 48 && calendarDay(new Date(ms), timeZone) < day; i++) ms += HOUR;
  for (let i = 0; i < 48 && calendarDay(new Date(ms + HOUR), timeZone) === day; i++) ms += HOUR;
  return clinicalNowAt(new Date(ms), timeZone);
}
