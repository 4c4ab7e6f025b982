import { describe, expect, it } from 'vitest';

describe('the suite runs under both process time zones', () => {
  it('has TZ set by its vitest project, and Date follows it', () => {
    const tz = process.env.TZ;
    expect(['UTC', 'Asia/Shanghai']).toContain(tz);
    // Local midnight 2026-01-01 is 00:00Z in UTC and 16:00Z the day before in Shanghai.
    const offsetMinutes = new Date(2026, 0, 1).getTimezoneOffset();
    expect(offsetMinutes).toBe(tz === 'UTC' ? 0 : -480);
  });
});
