import type { ComplianceCounts, ComplianceReport } from '../qc/compliance-types.js';

const pct = (r: number | null) => (r === null ? '-' : `${(r * 100).toFixed(1)}%`);

function pad(rows: readonly (readonly string[])[], right: ReadonlySet<number>): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows
    .map((row) =>
      row
        .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const counts = (key: string, c: ComplianceCounts) => [
  key,
  String(c.indicated),
  String(c.notified),
  String(c.notifiedInTime),
  pct(c.rate),
  pct(c.inTimeRate),
];

/** The report for a terminal: rows and total, then the late and missing cases. */
export function complianceTable(r: ComplianceReport): string {
  const out = [
    `Art. 25 written-notice compliance ${r.from} .. ${r.to}, by ${r.groupBy}`,
    '',
    pad(
      [
        [r.groupBy, 'indicated', 'notified', 'in time', 'rate', 'in-time rate'],
        ...r.rows.map((x) => counts(x.key, x)),
        counts('total', r.total),
      ],
      new Set([1, 2, 3, 4, 5]),
    ),
    '',
  ];
  const open = r.cases.filter((c) => c.status !== 'notified');
  if (open.length > 0) {
    out.push(
      'late or missing notices:',
      pad(
        [
          ['status', 'pregnancy', 'institution', 'practitioner', 'rules', 'first indicated', 'notice'],
          ...open.map((c) => [
            c.status,
            c.pregnancy,
            c.institution ?? '-',
            c.practitioner ?? '-',
            c.rules.join(','),
            c.firstIndicatedAt,
            c.noticeAt ?? '-',
          ]),
        ],
        new Set(),
      ),
      '',
    );
  }
  return out.join('\n');
}
