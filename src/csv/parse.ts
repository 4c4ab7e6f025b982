/**
 * A small RFC 4180 CSV reader (used by the registry import): comma-separated fields, CRLF or LF
 * record ends, double-quoted fields (may contain commas, quotes as `""`, and line breaks), a
 * leading UTF-8 BOM ignored.
 * Records are numbered like spreadsheet rows (the first record is row 1), blank records skipped.
 * Malformed quoting is reported per row, never thrown.
 */
export interface CsvRecord {
  readonly row: number;
  readonly fields: readonly string[];
}

export interface CsvParse {
  readonly records: readonly CsvRecord[];
  readonly errors: readonly { readonly row: number; readonly message: string }[];
}

export function parseCsv(text: string): CsvParse {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  const errors: { row: number; message: string }[] = [];
  let fields: string[] = [];
  let field = '';
  let row = 1;
  let bad: string | undefined;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    if (bad) errors.push({ row, message: bad });
    else if (!(fields.length === 1 && fields[0] === '')) records.push({ row, fields });
    fields = [];
    field = '';
    bad = undefined;
    row++;
  };
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"' && field === '') {
      // Quoted field.
      i++;
      let closed = false;
      while (i < s.length) {
        if (s[i] === '"') {
          if (s[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        field += s[i];
        i++;
      }
      if (!closed) bad = 'unterminated quoted field';
      else if (i < s.length && s[i] !== ',' && s[i] !== '\r' && s[i] !== '\n') bad ??= 'text after a closing quote';
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      endRecord();
    } else {
      if (c === '"') bad ??= 'quote inside an unquoted field';
      field += c;
    }
    i++;
  }
  if (field !== '' || fields.length > 0 || bad) endRecord();
  return { records, errors };
}
