import { alignColumns } from '../text/table.js';
import { FOLLOW_UP_ROW_COLUMNS } from './follow-up-csv.js';
import type { FollowUpReport } from './follow-up-types.js';

/** A titled list of aligned columns, or `<title>: none`. */
function list(title: string, head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return rows.length === 0 ? [`${title}: none`, ''] : [`${title}:`, alignColumns([head, ...rows]), ''];
}

/**
 * The follow-up report (docs/design.md#follow-up) as aligned plain text for a terminal
 * (docs/design.md#cli-output) — the one text form of the funnel, for `npm run qc -- follow-up` and
 * the bulk audit alike: the rows with the total (counts right-aligned, the columns of the CSV), the
 * undiagnosed list most urgent first and the NIPT list (Art. 29). Ids as the report carries them.
 */
export function followUpTable(r: FollowUpReport): string {
  const counts = [...r.rows, { key: 'total', ...r.total }].map((x) => FOLLOW_UP_ROW_COLUMNS.map((k) => String(x[k])));
  const numeric = new Set(FOLLOW_UP_ROW_COLUMNS.map((_, i) => i).filter((i) => i > 0));
  return [
    `follow-up ${r.from} .. ${r.to} by ${r.groupBy} (today ${r.today})`,
    '',
    alignColumns([[...FOLLOW_UP_ROW_COLUMNS], ...counts], numeric),
    '',
    ...list(
      'undiagnosed (most urgent first)',
      ['patient', 'institution', 'reason', 'diagnosis due by', 'overdue days', 'stage', 'pregnancy'],
      r.undiagnosed.map((u) => [
        u.patient,
        u.institution ?? '-',
        u.reason,
        u.diagnosisDueBy,
        String(u.overdueDays),
        u.stage ?? '-',
        u.pregnancy,
      ]),
    ),
    ...list(
      'NIPT follow-up (Art. 29)',
      ['patient', 'institution', 'kind', 'NIPT on', 'EDD', 'due by', 'pregnancy'],
      r.nipt.map((n) => [n.patient, n.institution ?? '-', n.kind, n.niptOn, n.edd ?? '-', n.dueBy ?? '-', n.pregnancy]),
    ),
  ].join('\n');
}
