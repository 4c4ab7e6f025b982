import { csvList, toCsv } from '../csv/index.js';
import type { FollowUpCounts, FollowUpRow, NiptCase, UndiagnosedCase } from './follow-up-types.js';

/** The follow-up report as CSV documents (src/csv: RFC 4180, UTF-8 BOM, formula guard), one per section, as in JSON. */

export const FOLLOW_UP_ROW_COLUMNS = [
  'key',
  'indicated',
  'notified',
  'signed',
  'accepted',
  'declined',
  'postponed',
  'referred',
  'procedure',
  'result',
  'outcome',
] as const;

export const UNDIAGNOSED_COLUMNS = [
  'pregnancy',
  'patient',
  'institution',
  'reason',
  'rules',
  'indicatedAt',
  'edd',
  'diagnosisDueBy',
  'overdueDays',
  'stage',
] as const;

export const NIPT_COLUMNS = ['pregnancy', 'patient', 'institution', 'kind', 'niptOn', 'edd', 'dueBy'] as const;

/** The grouped rows (the total as a last row with key `total`). */
export function followUpRowsCsv(rows: readonly FollowUpRow[], total: FollowUpCounts): string {
  return toCsv(
    FOLLOW_UP_ROW_COLUMNS,
    [...rows, { key: 'total', ...total }].map((r) => FOLLOW_UP_ROW_COLUMNS.map((k) => r[k])),
  );
}

/** The undiagnosed list; `rules` joined with the one list separator of every CSV (src/csv/list.ts). */
export function undiagnosedCsv(list: readonly UndiagnosedCase[]): string {
  return toCsv(
    UNDIAGNOSED_COLUMNS,
    list.map((u) => UNDIAGNOSED_COLUMNS.map((k) => (k === 'rules' ? csvList(u.rules) : u[k]))),
  );
}

/** The NIPT (Art. 29) list. */
export function niptCsv(list: readonly NiptCase[]): string {
  return toCsv(
    NIPT_COLUMNS,
    list.map((n) => NIPT_COLUMNS.map((k) => n[k])),
  );
}
