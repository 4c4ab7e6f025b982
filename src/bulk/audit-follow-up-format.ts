import { followUpRowsCsv, FOLLOW_UP_ROW_COLUMNS, niptCsv, undiagnosedCsv } from '../qc/follow-up-csv.js';
import type { FollowUpReport, FollowUpSection } from '../qc/follow-up-types.js';
import { alignColumns } from '../text/table.js';

/**
 * The bulk audit's follow-up funnel as CSV — one section, with the columns and the `;` list
 * separator of `GET /qc/follow-up?format=csv` (the same writers, src/qc/follow-up-csv.ts) — and as
 * the terminal summary's last part (docs/design.md#follow-up).
 */
export function bulkFollowUpCsv(f: FollowUpReport, section: FollowUpSection): string {
  if (section === 'undiagnosed') return undiagnosedCsv(f.undiagnosed);
  if (section === 'nipt') return niptCsv(f.nipt);
  return followUpRowsCsv(f.rows, f.total);
}

/** The funnel rows with the total, the undiagnosed list (most urgent first) and the NIPT list. */
export function bulkFollowUpTable(f: FollowUpReport): string {
  const out = [
    `Follow-up funnel — indicated ${f.from} .. ${f.to}, by ${f.groupBy} (today ${f.today})`,
    '',
    alignColumns(
      [[...FOLLOW_UP_ROW_COLUMNS], ...[...f.rows, { key: 'total', ...f.total }].map((r) => FOLLOW_UP_ROW_COLUMNS.map((k) => String(r[k])))],
      new Set(FOLLOW_UP_ROW_COLUMNS.map((_, i) => i).filter((i) => i > 0)),
    ),
    '',
  ];
  if (f.undiagnosed.length === 0) out.push('undiagnosed: none', '');
  else
    out.push(
      'undiagnosed (most urgent first):',
      alignColumns([
        ['patient', 'pregnancy', 'institution', 'reason', 'diagnosis due by', 'overdue days', 'stage'],
        ...f.undiagnosed.map((u) => [
          u.patient,
          u.pregnancy,
          u.institution ?? '-',
          u.reason,
          u.diagnosisDueBy,
          String(u.overdueDays),
          u.stage ?? '-',
        ]),
      ]),
      '',
    );
  if (f.nipt.length === 0) out.push('NIPT follow-up (Art. 29): none', '');
  else
    out.push(
      'NIPT follow-up (Art. 29):',
      alignColumns([
        ['patient', 'pregnancy', 'institution', 'kind', 'NIPT on', 'EDD', 'due by'],
        ...f.nipt.map((n) => [n.patient, n.pregnancy, n.institution ?? '-', n.kind, n.niptOn, n.edd ?? '-', n.dueBy ?? '-']),
      ]),
      '',
    );
  return out.join('\n');
}
