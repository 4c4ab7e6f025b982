import type { ComplianceCounts, ComplianceReport } from '../qc/compliance-types.js';
import { alignColumns } from '../text/table.js';

const pct = (r: number | null) => (r === null ? '-' : `${(r * 100).toFixed(1)}%`);

/** Columns by display width: institution and practitioner keys may be Chinese (docs/design.md#cli-output). */
const pad = (rows: readonly (readonly string[])[], right: ReadonlySet<number>): string => alignColumns(rows, right);

const counts = (key: string, c: ComplianceCounts) => [
  key,
  String(c.indicated),
  String(c.due),
  String(c.notified),
  String(c.notifiedInTime),
  pct(c.rate),
  pct(c.inTimeRate),
  String(c.pending),
  String(c.noticeIssued),
  String(c.missing),
];

/**
 * The report for a terminal: rows and total (rates over `due`: deadline passed or notified), then
 * the cases still open or notified late (every status but notified-in-time, declined and postponed),
 * with the due date and her record number (MRN: the CLI reads the store with full access,
 * docs/design.md#patient-identity).
 */
export function complianceTable(r: ComplianceReport): string {
  const out = [
    `Art. 25 written-notice compliance ${r.from} .. ${r.to}, by ${r.groupBy}`,
    '',
    pad(
      [
        [r.groupBy, 'indicated', 'due', 'notified', 'in time', 'rate', 'in-time rate', 'pending', 'notice issued', 'missing'],
        ...r.rows.map((x) => counts(x.key, x)),
        counts('total', r.total),
      ],
      new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]),
    ),
    '',
  ];
  const settled = new Set(['notified-in-time', 'declined', 'postponed']);
  const open = r.cases.filter((c) => !settled.has(c.status));
  if (open.length > 0) {
    out.push(
      'pending, notice issued, missing or late:',
      pad(
        [
          ['status', 'pregnancy', 'institution', 'practitioner', 'rules', 'first indicated', 'due by', 'notice', 'MRN'],
          ...open.map((c) => [
            c.status,
            c.pregnancy,
            c.institution ?? '-',
            c.practitioner ?? '-',
            c.rules.join(','),
            c.firstIndicatedAt,
            c.dueBy,
            c.noticeAt ?? '-',
            c.mrn ?? '-',
          ]),
        ],
        new Set(),
      ),
      '',
    );
  }
  return out.join('\n');
}
