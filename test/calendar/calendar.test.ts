import { afterEach, describe, expect, it } from 'vitest';
import {
  addDays,
  addYears,
  calendarDay,
  clinicalDay,
  daysBetween,
  eddFromLmp,
  formatGestationalAge,
  fullYears,
  gestationalAgeDays,
  instantDay,
  lmpFromEdd,
  parseDateAsWritten,
  parseFhirDate,
  toDayNumber,
} from '../../src/calendar/index.js';

/**
 * src/calendar: day arithmetic, the two readings of a FHIR date (clinical: instants become the day in
 * the clinic zone; as written: administrative validity dates), ages and gestational age. Nothing here
 * may depend on the process time zone: the last block re-runs the key cases under several TZ values
 * (npm test also runs the suite under TZ=UTC and TZ=Asia/Shanghai).
 */
const SH = 'Asia/Shanghai';

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

    it.each([
      '1985-02-30',
      '2023-13-01',
      '2023-00-10',
      '2023-02-29',
      '1990-7-1',
      'abc',
      '',
      '2024-03-01T24:00:00Z',
      '2024-02-30T10:00:00Z',
    ])('rejects %j as invalid (never a shifted date)', (raw) => expect(parseFhirDate(raw, 'Asia/Shanghai')).toBeUndefined());

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

  describe('parseDateAsWritten (credential and licence validity: the day as written)', () => {
    it.each([
      ['2025-06-15', { first: '2025-06-15', last: '2025-06-15', precision: 'day' }],
      ['2025-02', { first: '2025-02-01', last: '2025-02-28', precision: 'month' }],
      ['2024-02', { first: '2024-02-01', last: '2024-02-29', precision: 'month' }],
      ['2024', { first: '2024-01-01', last: '2024-12-31', precision: 'year' }],
      ['1991', { first: '1991-01-01', last: '1991-12-31', precision: 'year' }],
      ['1991-11', { first: '1991-11-01', last: '1991-11-30', precision: 'month' }],
      ['2025-06-15T23:30:00+08:00', { first: '2025-06-15', last: '2025-06-15', precision: 'day' }],
      [' 2025-06-15 ', { first: '2025-06-15', last: '2025-06-15', precision: 'day' }],
    ])('%s', (raw, expected) => expect(parseDateAsWritten(raw)).toEqual(expected));

    it.each([
      '2025-02-29',
      '1985-02-30',
      '2025-13-01',
      '2025-00',
      '15/06/2025',
      '',
      'soon',
      '2025-6-1',
      '1899-12-31',
      '3000-01-01',
      undefined,
      20250615,
    ])('unusable: %j', (raw) => expect(parseDateAsWritten(raw)).toBeUndefined());

    // The grammar is now the one parseFhirDate uses (the old credential parser had its own): an
    // impossible time is refused, a time without an offset is read by its date part.
    it('shares the clinical grammar: an impossible time is invalid, a time without offset counts by its date', () => {
      expect(parseDateAsWritten('2025-06-15T25:00:00Z')).toBeUndefined();
      expect(parseDateAsWritten('2025-06-15T10:60:00Z')).toBeUndefined();
      expect(parseDateAsWritten('2025-02-29T10:00:00Z')).toBeUndefined();
      expect(parseDateAsWritten('2025-06-15T10:00:00')).toEqual({ first: '2025-06-15', last: '2025-06-15', precision: 'day' });
      expect(parseDateAsWritten('2025-06-15T10:00Z')).toEqual({ first: '2025-06-15', last: '2025-06-15', precision: 'day' });
    });

    it('29 February plus a year is 28 February (a due date), whereas a 29 February birthday is 1 March (an age)', () => {
      expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
      expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
      expect(addYears('2025-03-31', -1)).toBe('2024-03-31');
      expect(fullYears('2024-02-29', '2025-02-28')).toBe(0);
      expect(fullYears('2024-02-29', '2025-03-01')).toBe(1);
      expect(() => addYears('2025-02-29', 1)).toThrow(RangeError);
    });
  });

  describe('the time-zone rule: a day is kept as written, an instant becomes the clinic day', () => {
    it.each([
      // raw, clinical day in Shanghai, clinical day in UTC, day as written
      ['2026-03-01T23:30:00+08:00', '2026-03-01', '2026-03-01', '2026-03-01'],
      ['2026-03-01T23:30:00Z', '2026-03-02', '2026-03-01', '2026-03-01'],
      ['2026-03-01T00:30:00+08:00', '2026-03-01', '2026-02-28', '2026-03-01'],
      ['2026-03-01T16:00:00Z', '2026-03-02', '2026-03-01', '2026-03-01'],
      ['2026-03-01T15:59:59.999Z', '2026-03-01', '2026-03-01', '2026-03-01'],
      ['2026-03-01T23:30:00-05:00', '2026-03-02', '2026-03-02', '2026-03-01'],
      ['2026-03-01T23:30:00', '2026-03-01', '2026-03-01', '2026-03-01'],
      ['2026-03-01', '2026-03-01', '2026-03-01', '2026-03-01'],
    ])('%s → clinic %s (Shanghai) / %s (UTC), as written %s', (raw, shanghai, utc, written) => {
      expect(clinicalDay(raw, SH)).toBe(shanghai);
      expect(clinicalDay(raw, 'UTC')).toBe(utc);
      expect(parseDateAsWritten(raw)?.first).toBe(written);
    });

    it('instantDay / calendarDay: the day of a recorded instant in the clinic zone', () => {
      expect(instantDay('2026-03-01T23:30:00Z', SH)).toBe('2026-03-02');
      expect(instantDay('2026-03-01T23:30:00+08:00', SH)).toBe('2026-03-01');
      expect(instantDay('2026-03-01T23:30:00Z', 'UTC')).toBe('2026-03-01');
      expect(calendarDay(new Date('2026-03-01T16:00:00Z'), SH)).toBe('2026-03-02');
      expect(() => instantDay('not a time', SH)).toThrow(RangeError);
    });

    it('instantDay reads a canonical instant digit by digit, to the day `Date` gives, and any other form with `Date`', () => {
      const viaDate = (s: string, zone: string) => {
        try {
          return calendarDay(new Date(s), zone);
        } catch (e) {
          return e instanceof RangeError ? 'RangeError' : String(e);
        }
      };
      const viaInstantDay = (s: string, zone: string) => {
        try {
          return instantDay(s, zone);
        } catch (e) {
          return e instanceof RangeError ? 'RangeError' : String(e);
        }
      };
      const forms = [
        '2026-03-01T15:59:59.999Z',
        '2026-03-01T16:00:00.000Z',
        '2024-02-29T23:59:59.999Z',
        '1899-12-31T15:54:17.000Z', // Shanghai's LMT day boundary
        '0001-01-01T00:00:00.000Z',
        '9999-12-31T23:59:59.999Z',
        '0000-01-01T00:00:00.000Z', // year 0: Date's
        '2026-02-30T00:00:00.000Z', // Date rolls it over to 2 March; so does instantDay, as before
        '2026-03-01T24:00:00.000Z', // Date: the next midnight
        '2026-03-01T23:59:60.000Z', // a leap second: Date refuses
        '2026-03-01T23:60:00.000Z',
        '2026-03-01t23:30:00.000z',
        '2026-03-01T23:30:00.000+08:00',
        '2026-03-01T23:30:00Z',
        '2026-03-01T23:30:00.12Z',
        '2026-03-01 23:30:00.000Z',
        '２026-03-01T23:30:00.000Z',
        '2026-03-01T2３:30:00.000Z',
      ];
      for (let ms = Date.UTC(1890, 0, 1); ms < Date.UTC(2110, 0, 1); ms += 86_400_000 * 3 + 3_599_999)
        forms.push(new Date(ms).toISOString());
      for (const zone of [SH, 'UTC', 'America/New_York', 'Asia/Kathmandu']) {
        const differ = forms.filter((s) => viaInstantDay(s, zone) !== viaDate(s, zone));
        expect(differ, zone).toEqual([]);
      }
      expect(viaInstantDay('2026-03-01T23:59:60.000Z', SH)).toBe('RangeError');
      // Not a string: what `Date` makes of it, as before (undefined is a RangeError, not a TypeError).
      for (const v of [undefined, null, 0, { length: 24 }]) expect(viaInstantDay(v as never, SH)).toBe(viaDate(v as never, SH));
      expect(viaInstantDay(undefined as never, SH)).toBe('RangeError');
      expect(instantDay('2026-03-01T24:00:00.000Z', SH)).toBe('2026-03-02');
    });

    it.each([
      // Zone, then a UTC window around its midnights and transitions: DST both ways, half- and quarter-hour offsets,
      // a 30-minute DST shift, a historic offset in seconds (Shanghai's LMT, +08:05:43, until 1901).
      ['Asia/Shanghai', '2026-03-01T15:00:00Z'],
      ['Asia/Shanghai', '1899-06-30T15:00:00Z'],
      ['America/New_York', '2026-03-08T04:00:00Z'],
      ['America/New_York', '2026-11-01T03:00:00Z'],
      ['Asia/Kolkata', '2026-06-30T17:00:00Z'],
      ['Asia/Kathmandu', '2026-06-30T17:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T13:00:00Z'],
      ['Pacific/Chatham', '2026-04-04T12:00:00Z'],
      ['Europe/London', '2026-10-25T00:00:00Z'],
    ])(
      'calendarDay in %s from %s, minute by minute for 30 hours, is the day Intl gives (its per-quarter-hour memo included)',
      (zone, start) => {
        const intl = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
        const t0 = Date.parse(start);
        const wrong: string[] = [];
        // Twice over: the first pass fills the memo, the second reads it; seconds off the minute test inside spans.
        for (const pass of [0, 1])
          for (let m = 0; m < 30 * 60; m += 1) {
            const at = new Date(t0 + m * 60_000 + (pass === 0 ? 0 : 59_999));
            if (calendarDay(at, zone) !== intl.format(at)) wrong.push(at.toISOString());
          }
        expect(wrong).toEqual([]);
      },
    );

    it('partial dates and impossible days, both readings', () => {
      expect(parseFhirDate('1991', SH)).toEqual({
        raw: '1991',
        precision: 'year',
        first: toDayNumber('1991-01-01'),
        last: toDayNumber('1991-12-31'),
      });
      expect(parseFhirDate('1991-11', SH)).toEqual({
        raw: '1991-11',
        precision: 'month',
        first: toDayNumber('1991-11-01'),
        last: toDayNumber('1991-11-30'),
      });
      expect(clinicalDay('1991', SH)).toBeUndefined();
      expect(clinicalDay('1991-11', SH)).toBeUndefined();
      for (const raw of ['1985-02-30', '2025-02-29', '2025-02-29T12:00:00+08:00']) {
        expect(parseFhirDate(raw, SH), raw).toBeUndefined();
        expect(parseDateAsWritten(raw), raw).toBeUndefined();
      }
      expect(parseFhirDate('2024-02-29T12:00:00+08:00', SH)?.day).toBe('2024-02-29');
      expect(parseDateAsWritten('2024-02-29')?.first).toBe('2024-02-29');
    });

    it('only the as-written reading bounds the year (1900–2999: a typo, not a validity for ever)', () => {
      expect(parseFhirDate('1899-12-31', SH)?.day).toBe('1899-12-31');
      expect(parseFhirDate('0001-01-01', SH)?.day).toBe('0001-01-01');
      expect(parseDateAsWritten('1899-12-31')).toBeUndefined();
      expect(parseDateAsWritten('3025-06-15')).toBeUndefined();
      expect(parseFhirDate('0000-01-01', SH)).toBeUndefined();
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
      expect(toDayNumber('2025-02-29')).toBeUndefined();
      expect(toDayNumber('0000-01-01')).toBeUndefined();
      expect(toDayNumber('2025-6-1')).toBeUndefined();
      expect(() => addDays('1985-02-30', 1)).toThrow(RangeError);
      expect(() => daysBetween('2025-02-29', '2025-03-01')).toThrow(RangeError);
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
    expect(instantDay('2026-03-01T23:30:00Z', 'Asia/Shanghai')).toBe('2026-03-02');
    expect(parseDateAsWritten('2026-03-01T23:30:00Z')?.first).toBe('2026-03-01');
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addDays('2024-03-09', 2)).toBe('2024-03-11');
    expect(daysBetween('2024-10-26', '2024-10-28')).toBe(2);
    expect(fullYears('1992-02-29', '2027-03-01')).toBe(35);
    expect(gestationalAgeDays('2025-10-01', '2025-06-01')).toBe(158);
  });
});
