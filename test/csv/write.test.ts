import { describe, expect, it } from 'vitest';
import { csvField, rowsCsv, toCsv } from '../../src/qc/csv.js';

describe('CSV (RFC 4180)', () => {
  it.each([
    ['plain', 'plain'],
    ['王芳', '王芳'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['+1', "'+1"],
    ['@cmd', "'@cmd"],
    [null, ''],
    [0.25, '0.25'],
  ] as const)('field %j → %s', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('BOM, header, CRLF line ends, trailing CRLF', () => {
    expect(toCsv(['a', 'b'], [['x', 1], [null, 'y']])).toBe('\uFEFFa,b\r\nx,1\r\n,y\r\n');
  });

  it('rows with the total last and null rates empty', () => {
    const zero = { indicated: 0, notified: 0, notifiedInTime: 0, rate: null, inTimeRate: null };
    expect(rowsCsv([], zero)).toBe('\uFEFFkey,indicated,notified,notifiedInTime,rate,inTimeRate\r\ntotal,0,0,0,,\r\n');
  });
});
