/**
 * The integer day-number arithmetic of src/calendar/day-number.ts equals the UTC `Date`
 * computation it replaced, over a wide range of days and of (year, month, day) inputs, including
 * overflowing months / days, negative years and the edges of what a `Date` can hold.
 */
import { describe, expect, it } from 'vitest';
import { addDays, dayNumberOf, daysBetween, fromDayNumber, toDayNumber } from '../../src/calendar/index.js';

const MS_PER_DAY = 86_400_000;

/** The previous implementation, verbatim. */
function dayNumberByDate(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(0, 0, 0, 0);
  return Math.round(d.getTime() / MS_PER_DAY);
}
function fromDayNumberByDate(n: number): string {
  const d = new Date(n * MS_PER_DAY);
  const y = String(d.getUTCFullYear()).padStart(4, '0');
  const m = String(d.getUTCMonth() + 1).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, '0');
  return `${y}-${m}-${day}`;
}

describe('integer day numbers ≡ UTC Date arithmetic', () => {
  it('fromDayNumber / toDayNumber / dayNumberOf on every day from 1800 to 2200 and every 11th day from -1000-01-01 to 11000-12-31', () => {
    const first = dayNumberByDate(-1000, 1, 1);
    const last = dayNumberByDate(11000, 12, 31);
    let bad = 0;
    const dense = [dayNumberByDate(1800, 1, 1), dayNumberByDate(2200, 12, 31)] as const;
    for (let n = first; n <= last; n += n >= dense[0] && n <= dense[1] ? 1 : 11) {
      const s = fromDayNumberByDate(n);
      if (fromDayNumber(n) !== s) bad += 1;
      const date = new Date(n * MS_PER_DAY);
      if (dayNumberOf(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()) !== n) bad += 1;
      if (n >= 0 - 719_162 && n <= 2_932_896 && toDayNumber(s) !== n) bad += 1; // 0001-01-01 … 9999-12-31
    }
    expect(bad).toBe(0);
  });

  it('dayNumberOf with overflowing / negative months and days over a year grid', () => {
    let bad = 0;
    for (let y = -1200; y <= 10_400; y += 7) {
      for (let m = -26; m <= 27; m += 1) {
        for (const d of [-400, -32, -1, 0, 1, 15, 28, 29, 30, 31, 32, 60, 366, 1000]) {
          if (dayNumberOf(y, m, d) !== dayNumberByDate(y, m, d)) bad += 1;
        }
      }
    }
    expect(bad).toBe(0);
  });

  it('at the edges: huge, non-integer and non-finite inputs', () => {
    const years = [
      -300_000,
      -275_760,
      -271_821,
      -200_000,
      -1,
      0,
      1,
      1969,
      1970,
      9999,
      10_000,
      199_999,
      200_000,
      200_001,
      275_760,
      275_761,
      1e9,
      1.5,
      -0.5,
      NaN,
      Infinity,
    ];
    const months = [-1_000_001, -1_000_000, -13, -12, -11, 0, 1, 2, 12, 13, 1_000_000, 1_000_001, 2.5, NaN];
    const days = [-10_000_001, -10_000_000, -1, 0, 1, 13, 31, 10_000_000, 10_000_001, 1.5, NaN];
    for (const y of years)
      for (const m of months)
        for (const d of days) {
          expect(Object.is(dayNumberOf(y, m, d), dayNumberByDate(y, m, d)), `${y}-${m}-${d}`).toBe(true);
        }
    for (const n of [
      -100_000_001,
      -100_000_000,
      -99_999_999,
      -1,
      -0.5,
      0,
      0.5,
      1.5,
      99_999_999,
      100_000_000,
      100_000_001,
      1e12,
      NaN,
      Infinity,
      -Infinity,
    ]) {
      let want: string | Error;
      try {
        want = fromDayNumberByDate(n);
      } catch (e) {
        want = e as Error;
      }
      if (typeof want === 'string') expect(fromDayNumber(n), String(n)).toBe(want);
      else expect(() => fromDayNumber(n)).toThrow(want.constructor as ErrorConstructor);
    }
  });

  it('addDays / daysBetween agree with the Date arithmetic', () => {
    for (const [a, k] of [
      ['2024-02-28', 1],
      ['2024-02-29', 365],
      ['1900-02-28', 1],
      ['2000-02-28', 1],
      ['2025-06-01', -280],
      ['0001-01-01', 0],
      ['9999-12-31', -3_652_058],
    ] as const) {
      const want = fromDayNumberByDate(dayNumberByDate(...(a.split('-').map(Number) as [number, number, number])) + k);
      expect(addDays(a, k)).toBe(want);
      expect(daysBetween(a, want)).toBe(k);
    }
  });
});
