import { toCsv } from '../csv/index.js';
import type { ReportItem, RegistryReport } from './report.js';

/** Renders the registry report as CSV (RFC 4180) or an aligned text table. */
const HEADER = ['bucket', 'kind', 'holder', 'holder_name', 'number', 'techniques', 'date', 'due_by', 'days', 'reason'] as const;

function row(i: ReportItem): string[] {
  return [
    i.bucket,
    i.kind,
    i.holder,
    i.holderName ?? '',
    i.number,
    i.techniques.join(';'),
    i.date ?? '',
    i.dueBy ?? '',
    i.days === undefined ? '' : String(i.days),
    i.reason ?? '',
  ];
}

/** The report as a CSV document (src/csv: RFC 4180, UTF-8 BOM, formula guard; `days` such as -3 stays a number). */
export function reportCsv(r: RegistryReport): string {
  return toCsv(HEADER, r.items.map(row));
}

export function reportTable(r: RegistryReport): string {
  const rows = [HEADER.map(String), ...r.items.map(row)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((x) => [...x[c]!].length)));
  const lines = rows.map((x) =>
    x
      .map((v, c) => v + ' '.repeat(widths[c]! - [...v].length))
      .join('  ')
      .trimEnd(),
  );
  const counts = Object.entries(r.counts)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
  return [`registry report ${r.today} (expiring within ${r.expiringWithinDays} days) — ${counts}`, '', ...lines, ''].join('\n');
}
