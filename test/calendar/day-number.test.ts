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

describe('toDayNumber reads digit by digit as the pattern it replaced', () => {
  /** The previous implementation, verbatim. */
  function toDayNumberByPattern(ymd: string): number | undefined {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
    if (!m) return undefined;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const n = dayNumberByDate(y, mo, d);
    return fromDayNumberByDate(n) === `${m[1]}-${m[2]}-${m[3]}` && y >= 1 ? n : undefined;
  }

  it.each([
    '2026-03-01',
    '2024-02-29',
    '2025-02-29',
    '1985-02-30',
    '0000-01-01',
    '0001-01-01',
    '9999-12-31',
    '2026-00-10',
    '2026-13-01',
    '2026-1-01',
    '2026-01-1',
    ' 2026-01-01',
    '2026-01-01 ',
    '2026-01-01\n',
    '2026/01/01',
    '+2026-01-01',
    '-026-01-01',
    '2026-0a-01',
    '2026-0:-01', // ':' and '/' border the ASCII digits
    '２０２６-01-01',
    '٢٠٢٦-01-01',
    '2026-01-01T00:00:00Z',
    '',
  ])('%j', (s) => {
    expect(toDayNumber(s)).toBe(toDayNumberByPattern(s));
  });

  it('a value that is not a string (from JSON the types did not catch) is no day, as the pattern answered', () => {
    for (const v of [undefined, null, 20260301, { length: 10 }]) {
      expect(toDayNumber(v as never)).toBe(toDayNumberByPattern(v as never));
      expect(toDayNumber(v as never)).toBeUndefined();
    }
    // The pattern read an array through its text ('2026-03-01'); it is no day either.
    expect(toDayNumberByPattern(['2026-03-01'] as never)).toBeDefined();
    expect(toDayNumber(['2026-03-01'] as never)).toBeUndefined();
  });

  it('on 200,000 drawn strings: days of every month length, and each with a character replaced, added or dropped', () => {
    const alphabet = ['0', '1', '2', '9', '-', ' ', '/', ':', 'a', '٣', '３', '\n', '+'];
    let seed = 20261207;
    // mulberry32
    const next = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
    const pick = (n: number) => Math.floor(next() * n);
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    let bad = 0;
    let valid = 0;
    for (let i = 0; i < 200_000; i += 1) {
      let s = `${pad(pick(10_000), 4)}-${pad(pick(14), 2)}-${pad(pick(33), 2)}`;
      const change = next();
      const at = pick(s.length + 1);
      const c = alphabet[pick(alphabet.length)]!;
      if (change < 0.15) s = s.slice(0, at) + c + s.slice(at + 1);
      else if (change < 0.2) s = s.slice(0, at) + c + s.slice(at);
      else if (change < 0.25) s = s.slice(0, at) + s.slice(at + 1);
      if (toDayNumber(s) !== toDayNumberByPattern(s)) bad += 1;
      if (toDayNumber(s) !== undefined) valid += 1;
    }
    expect(bad).toBe(0);
    expect(valid).toBeGreaterThan(50_000); // the draw reaches real days, not only refusals
  });
});
