import { toCsv } from '../csv/index.js';
import type { ComplianceCase, ComplianceRow } from './compliance-types.js';

/**
 * The compliance report as CSV documents (src/csv: RFC 4180, UTF-8 BOM, formula guard): the case
 * list and the grouped rows. `null` is an empty field; numbers are written as they are.
 */

export const CASE_COLUMNS = [
  'pregnancy',
  'patient',
  'mrn',
  'edd',
  'institution',
  'practitioner',
  'rules',
  'firstIndicatedAt',
  'dueBy',
  'noticeAt',
  'noticeIssuedAt',
  'acknowledgedAt',
  'decision',
  'status',
] as const;

export const ROW_COLUMNS = [
  'key',
  'indicated',
  'due',
  'notified',
  'notifiedInTime',
  'rate',
  'inTimeRate',
  'pending',
  'noticeIssued',
  'missing',
  'declined',
  'postponed',
] as const;

/** The case list as CSV; `rules` joined with `;`. */
export function casesCsv(cases: readonly ComplianceCase[]): string {
  return toCsv(
    CASE_COLUMNS,
    cases.map((c) => [
      c.pregnancy,
      c.patient,
      c.mrn,
      c.edd,
      c.institution,
      c.practitioner,
      c.rules.join(';'),
      c.firstIndicatedAt,
      c.dueBy,
      c.noticeAt,
      c.noticeIssuedAt,
      c.acknowledgedAt,
      c.decision,
      c.status,
    ]),
  );
}

/** The grouped rows as CSV (the total as a last row with key `total`). */
export function rowsCsv(rows: readonly ComplianceRow[], total: Omit<ComplianceRow, 'key'>): string {
  return toCsv(
    ROW_COLUMNS,
    [...rows, { key: 'total', ...total }].map((r) => ROW_COLUMNS.map((k) => r[k])),
  );
}
