import { describe, expect, it } from 'vitest';
import { CSV_BOM, csvField, defuseFormula, parseCsv, toCsv, type CsvCell } from '../../src/csv/index.js';

/** The one CSV writer: RFC 4180 quoting, CRLF, BOM, one formula-injection guard (src/csv/write.ts). */
describe('csvField (RFC 4180 quoting)', () => {
  it.each([
    ['plain', 'plain'],
    ['王芳', '王芳'],
    ['杭州市妇幼保健院', '杭州市妇幼保健院'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['crlf\r\nhere', '"crlf\r\nhere"'],
    ['', ''],
    [null, ''],
    [undefined, ''],
    [0.25, '0.25'],
    [0, '0'],
    [12, '12'],
  ] as const)('field %j → %s', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe('formula-injection guard (one rule for every cell)', () => {
  it.each([
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['=1+2', "'=1+2"],
    ['+1', "'+1"],
    ['-1+2', "'-1+2"],
    ['-cmd', "'-cmd"],
    ['@cmd', "'@cmd"],
    ['\tTAB', "'\tTAB"],
    ['\r=x', '"\'\r=x"'],
    ['＝SUM(A1)', "'＝SUM(A1)"],
    ['＋1', "'＋1"],
    ['－3', "'－3"],
    ['＠cmd', "'＠cmd"],
    ['=杭州,妇幼', '"\'=杭州,妇幼"'],
    // Plain decimal numbers stay numbers, as text or as numbers.
    ['-3', '-3'],
    ['-0.5', '-0.5'],
    [-3, '-3'],
    [-0.25, '-0.25'],
    ['2025-06-15', '2025-06-15'],
    // Not plain: the guard applies.
    ['-1e-7', "'-1e-7"],
    [-1e-7, "'-1e-7"],
    ['-3.', "'-3."],
    ['- 3', "'- 3"],
    // Only the first character counts.
    ['a=b', 'a=b'],
    [' =x', ' =x'],
  ] as const)('%j → %s', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('defuseFormula is the guard alone (no quoting)', () => {
    expect(defuseFormula('=a,b')).toBe("'=a,b");
    expect(defuseFormula('-12')).toBe('-12');
  });
});

describe('toCsv (a document)', () => {
  it('BOM, header, CRLF line ends, trailing CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x', 1],
          [null, 'y'],
        ],
      ),
    ).toBe('\uFEFFa,b\r\nx,1\r\n,y\r\n');
  });

  it('the BOM is an option (on by default)', () => {
    expect(CSV_BOM).toBe('\uFEFF');
    expect(toCsv(['a'], [['x']], { bom: false })).toBe('a\r\nx\r\n');
    expect(toCsv(['a'], [['x']], { bom: true })).toBe('\uFEFFa\r\nx\r\n');
    expect(toCsv(['a'], [])).toBe('\uFEFFa\r\n');
  });

  it('UTF-8 with the BOM as its first bytes (EF BB BF), Chinese text as UTF-8', () => {
    const bytes = Buffer.from(toCsv(['机构'], [['杭州市妇幼保健院']]), 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe('机构\r\n杭州市妇幼保健院\r\n');
  });
});

describe('round trip through parseCsv', () => {
  it("reads back every field (the guard's quote stays part of a guarded field)", () => {
    const header: CsvCell[] = ['name', 'note', 'days', 'formula'];
    const records: CsvCell[][] = [
      ['王芳', 'say "hi", twice', -3, '=HYPERLINK("x")'],
      ['李敏', 'two\r\nlines', 0.5, '＝1'],
      ['', null, '-12', '@x'],
    ];
    const { records: read, errors } = parseCsv(toCsv(header, records));
    expect(errors).toEqual([]);
    expect(read.map((r) => r.fields)).toEqual([
      ['name', 'note', 'days', 'formula'],
      ['王芳', 'say "hi", twice', '-3', '\'=HYPERLINK("x")'],
      ['李敏', 'two\r\nlines', '0.5', "'＝1"],
      ['', '', '-12', "'@x"],
    ]);
    expect(read.map((r) => r.row)).toEqual([1, 2, 3, 4]); // a quoted line break stays in its record
  });

  it('without the BOM too', () => {
    expect(parseCsv(toCsv(['a', 'b'], [['1', 'x,y']], { bom: false })).records.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1', 'x,y'],
    ]);
  });
});
