import { isLeapYear, ymdParts } from './day-number.js';

/**
 * Full years (周岁) from `birth` to `on`, both `YYYY-MM-DD`: the year difference, minus one when the
 * birthday of `on`'s year has not been reached yet. On the birthday itself the new age counts
 * (clinical convention; note that the Chinese criminal-law reading of 周岁 — "from the day after the
 * birthday" — is not used for clinical ages).
 *
 * 29 February births: in a non-leap year the birthday is taken to be 1 March (as in most civil
 * usages), so a woman born 1992-02-29 turns 35 on 2027-03-01, not on 2027-02-28.
 */
export function fullYears(birth: string, on: string): number {
  const b = ymdParts(birth);
  const o = ymdParts(on);
  let bMonth = b.month;
  let bDay = b.day;
  if (b.month === 2 && b.day === 29 && !isLeapYear(o.year)) {
    bMonth = 3;
    bDay = 1;
  }
  const reached = o.month > bMonth || (o.month === bMonth && o.day >= bDay);
  return o.year - b.year - (reached ? 0 : 1);
}
