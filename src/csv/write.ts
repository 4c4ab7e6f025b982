/**
 * The one CSV writer (RFC 4180) of the service: QC compliance, registry report, bulk audit.
 *
 * - Records end with CRLF, the last one too. Fields are separated by `,`; a field holding `"`, `,`,
 *   CR or LF is double-quoted, its quotes doubled. `null` / `undefined` is an empty field.
 * - A UTF-8 BOM starts the document unless `{ bom: false }`: Excel reads UTF-8 (Chinese names,
 *   机构名称) correctly only with it; RFC 4180 readers, ours included (./parse.ts), skip it.
 * - Formula-injection guard, one rule for every cell, header included: the cell's text (a number
 *   is written as `String(n)`) gets a leading `'` when it begins with `=`, `+`, `-`, `@`, TAB, CR or
 *   a full-width `＝`, `＋`, `－`, `＠` (which spreadsheets also accept as formula starts) — unless
 *   it is a plain decimal number, `-?digits[.digits]`, which a spreadsheet reads as a number, never
 *   a formula: `-3` (days overdue) stays `-3`, whether it came as a number or as text, while `+1`,
 *   `-1+2`, `-1e-7`, `=1` and `－3` are written as text. The guard comes before the quoting, so a
 *   guarded field that needs quotes is `"'=HYPERLINK(""x"")"`.
 */

/** Text, a number, or empty. */
export type CsvCell = string | number | null | undefined;

export interface CsvOptions {
  /** Start with a UTF-8 BOM (default true: every CSV we write is meant for spreadsheets too). */
  readonly bom?: boolean;
}

export const CSV_BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

/** The cell as text, with `'` in front when a spreadsheet could run it as a formula. */
export function defuseFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** One field: guarded, then quoted as RFC 4180 requires. */
export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  const safe = defuseFormula(typeof value === 'number' ? String(value) : value);
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A whole document: (BOM,) header, records, each ending with CRLF. */
export function toCsv(header: readonly CsvCell[], records: readonly (readonly CsvCell[])[], options: CsvOptions = {}): string {
  const lines = [header, ...records].map((r) => `${r.map(csvField).join(',')}\r\n`);
  return `${options.bom === false ? '' : CSV_BOM}${lines.join('')}`;
}
