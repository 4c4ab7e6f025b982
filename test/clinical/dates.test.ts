import { afterEach, describe, expect, it } from 'vitest';
import {
  addDays, daysBetween, eddFromLmp, formatGestationalAge, fullYears, gestationalAgeDays, lmpFromEdd, parseFhirDate, toDayNumber,
} from '../../src/clinical/dates/index.js';

/**
 * Pure date helpers. Nothing here may depend on the process time zone: the last block re-runs the
 * key cases under several TZ values (npm test also runs the suite under TZ=UTC and TZ=Asia/Shanghai).
 */
function cases() {
  describe('parseFhirDate', () => {
    it.each([
      ['1990', 'year', undefined],
      ['1990-07', 'month', undefined],
      ['1990-07-15', 'day', '1990-07-15'],
      ['2024-02-29', 'day', '2024-02-29'],
    ])('%s → %s', (raw, precision, day) => {
      const d = parseFhirDate(raw, 'Asia/Shanghai');
      expect(d?.precision).toBe(precision);
      expect(d?.day).toBe(day);
    });

    it.each(['1985-02-30', '2023-13-01', '2023-00-10', '2023-02-29', '1990-7-1', 'abc', '', '2024-03-01T24:00:00Z', '2024-02-30T10:00:00Z'])(
      'rejects %j as invalid (never a shifted date)',
      (raw) => expect(parseFhirDate(raw, 'Asia/Shanghai')).toBeUndefined(),
    );

    it('a dateTime with offset is the calendar day in the clinic time zone', () => {
      expect(parseFhirDate('2024-03-01T20:00:00Z', 'Asia/Shanghai')?.day).toBe('2024-03-02');
      expect(parseFhirDate('2024-03-01T20:00:00Z', 'UTC')?.day).toBe('2024-03-01');
      expect(parseFhirDate('2024-03-02T01:00:00+08:00', 'Asia/Shanghai')?.day).toBe('2024-03-02');
      expect(parseFhirDate('2024-03-02T01:00:00+08:00', 'UTC')?.day).toBe('2024-03-01');
      expect(parseFhirDate('2024-03-02T01:00:00.123+08:00', 'Asia/Shanghai')?.precision).toBe('time');
    });

    it('a date is taken as written, whatever the zone', () => {
      expect(parseFhirDate('2024-03-01', 'America/Los_Angeles')?.day).toBe('2024-03-01');
      expect(parseFhirDate('2024-03-01', 'Pacific/Kiritimati')?.day).toBe('2024-03-01');
    });

    it('partial dates span their year / month', () => {
      const y = parseFhirDate('2023', 'UTC')!;
      expect(y.last - y.first).toBe(364);
      const m = parseFhirDate('2024-02', 'UTC')!;
      expect(m.last - m.first).toBe(28);
    });
  });

  describe('day arithmetic', () => {
    it('adds days across month, year and leap-day boundaries', () => {
      expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
      expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
      expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
      expect(addDays('2025-03-30', -30)).toBe('2025-02-28');
    });
    it('days between, across a DST change elsewhere in the world', () => {
      expect(daysBetween('2024-03-09', '2024-03-11')).toBe(2);
      expect(daysBetween('2024-11-02', '2024-11-04')).toBe(2);
      expect(daysBetween('2025-01-01', '2024-01-01')).toBe(-366);
    });
    it('rejects invalid days', () => {
      expect(toDayNumber('1985-02-30')).toBeUndefined();
      expect(() => addDays('1985-02-30', 1)).toThrow(RangeError);
    });
  });

  describe('fullYears (周岁)', () => {
    it.each([
      ['1990-06-15', '2025-06-14', 34],
      ['1990-06-15', '2025-06-15', 35],
      ['1990-06-15', '2025-06-16', 35],
      ['1990-12-31', '2025-01-01', 34],
      // 29 Feb births: in a non-leap year the birthday is 1 March.
      ['1992-02-29', '2027-02-28', 34],
      ['1992-02-29', '2027-03-01', 35],
      ['1992-02-29', '2028-02-29', 36],
      ['1992-02-29', '2028-02-28', 35],
    ])('born %s, on %s → %i', (birth, on, years) => expect(fullYears(birth, on)).toBe(years));
  });

  describe('gestational age', () => {
    it('GA = 280 − (EDD − d), LMP = EDD − 280', () => {
      expect(lmpFromEdd('2025-10-01')).toBe('2024-12-25');
      expect(eddFromLmp('2024-12-25')).toBe('2025-10-01');
      expect(gestationalAgeDays('2025-10-01', '2025-06-01')).toBe(158);
      expect(gestationalAgeDays('2025-10-01', '2025-10-01')).toBe(280);
      expect(gestationalAgeDays('2025-10-01', '2024-12-25')).toBe(0);
    });
    it.each([
      [0, '0+0'],
      [97, '13+6'],
      [98, '14+0'],
      [158, '22+4'],
      [-3, '-0+3'],
    ])('%i days → %s', (d, s) => expect(formatGestationalAge(d)).toBe(s));
  });
}

cases();

describe.each(['UTC', 'Asia/Shanghai', 'America/Los_Angeles', 'Pacific/Kiritimati'])('independent of process TZ=%s', (tz) => {
  const saved = process.env.TZ;
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
  it('gives the same answers', () => {
    process.env.TZ = tz;
    expect(parseFhirDate('2024-03-01T20:00:00Z', 'Asia/Shanghai')?.day).toBe('2024-03-02');
    expect(parseFhirDate('1990-07-15', 'Asia/Shanghai')?.day).toBe('1990-07-15');
    expect(addDays('2024-03-09', 2)).toBe('2024-03-11');
    expect(daysBetween('2024-10-26', '2024-10-28')).toBe(2);
    expect(fullYears('1992-02-29', '2027-03-01')).toBe(35);
    expect(gestationalAgeDays('2025-10-01', '2025-06-01')).toBe(158);
  });
});
