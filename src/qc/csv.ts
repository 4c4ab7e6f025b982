import type { ComplianceCase, ComplianceRow } from './compliance-types.js';

/**
 * CSV rendering (RFC 4180): CRLF line ends, a header row, fields quoted when they hold `"`, `,`,
 * CR or LF (quotes doubled), `null` as an empty field, a UTF-8 BOM so Excel reads Chinese names.
 * A text field starting with `=`, `+`, `-`, `@`, TAB or CR is prefixed with `'` so a spreadsheet
 * does not run it as a formula (CSV injection); numbers are written as they are.
 */

export const CSV_BOM = '\uFEFF';

export const CASE_COLUMNS = [
  'pregnancy', 'patient', 'institution', 'practitioner', 'rules', 'firstIndicatedAt', 'noticeAt', 'acknowledgedAt', 'status',
] as const;

export const ROW_COLUMNS = ['key', 'indicated', 'notified', 'notifiedInTime', 'rate', 'inTimeRate'] as const;

type Cell = string | number | null;

/** One field, quoted as RFC 4180 requires. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A whole document: BOM, header, records. */
export function toCsv(header: readonly string[], records: readonly (readonly Cell[])[]): string {
  const lines = [header, ...records].map((r) => r.map(csvField).join(','));
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`;
}

/** The case list as CSV; `rules` joined with `;`. */
export function casesCsv(cases: readonly ComplianceCase[]): string {
  return toCsv(CASE_COLUMNS, cases.map((c) => [
    c.pregnancy, c.patient, c.institution, c.practitioner, c.rules.join(';'), c.firstIndicatedAt, c.noticeAt, c.acknowledgedAt, c.status,
  ]));
}

/** The grouped rows as CSV (the total as a last row with key `total`). */
export function rowsCsv(rows: readonly ComplianceRow[], total: Omit<ComplianceRow, 'key'>): string {
  return toCsv(ROW_COLUMNS, [...rows, { key: 'total', ...total }].map((r) => [
    r.key, r.indicated, r.notified, r.notifiedInTime, r.rate, r.inTimeRate,
  ]));
}
