import { describe, expect, it } from 'vitest';
import { calendarDay } from '../../src/calendar/index.js';
import { fixedClock } from '../../src/clock.js';

describe('clinical clock', () => {
  it('takes today as the calendar day in the clinic time zone, not the process zone', () => {
    // 2026-11-23T17:30Z is already the 24th in Shanghai (UTC+8) and still the 23rd in UTC.
    const at = new Date('2026-11-23T17:30:00Z');
    expect(calendarDay(at, 'Asia/Shanghai')).toBe('2026-11-24');
    expect(calendarDay(at, 'UTC')).toBe('2026-11-23');
  });
  it('a fixed clock answers the same instant every time', () => {
    const c = fixedClock('2026-03-01T00:00:00+08:00', 'Asia/Shanghai');
    expect(c.now()).toEqual({ instant: '2026-02-28T16:00:00.000Z', today: '2026-03-01', timeZone: 'Asia/Shanghai' });
    expect(c.now()).toBe(c.now());
  });
});
