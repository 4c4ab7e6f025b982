import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/csv/index.js';

describe('parseCsv (RFC 4180)', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks; CRLF and LF; BOM ignored', () => {
    const text = '\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\nlines",\n\n3,,"" \n';
    const { records, errors } = parseCsv(text.replace('"" \n', '""\n'));
    expect(errors).toEqual([]);
    expect(records).toEqual([
      { row: 1, fields: ['a', 'b', 'c'] },
      { row: 2, fields: ['1', 'x, y', 'say "hi"'] },
      { row: 3, fields: ['2', 'two\nlines', ''] },
      { row: 5, fields: ['3', '', ''] },
    ]);
  });

  it('last record without a line break', () => {
    expect(parseCsv('a,b\n1,2').records).toEqual([
      { row: 1, fields: ['a', 'b'] },
      { row: 2, fields: ['1', '2'] },
    ]);
  });

  it('reports malformed quoting per row instead of throwing', () => {
    const { records, errors } = parseCsv('a,b\n1,x"y\n"ok",2\n"abc"def,3\n4,"never closed');
    expect(records.map((r) => r.row)).toEqual([1, 3]);
    expect(errors).toEqual([
      { row: 2, message: 'quote inside an unquoted field' },
      { row: 4, message: 'text after a closing quote' },
      { row: 5, message: 'unterminated quoted field' },
    ]);
  });
});
