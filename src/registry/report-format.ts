import { csvList, toCsv } from '../csv/index.js';
import { alignColumns } from '../text/table.js';
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
    csvList(i.techniques),
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
  // Columns by display width: holder names are Chinese (docs/design.md#cli-output).
  const table = alignColumns([HEADER.map(String), ...r.items.map(row)]);
  const counts = Object.entries(r.counts)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
  return [`registry report ${r.today} (expiring within ${r.expiringWithinDays} days) — ${counts}`, '', table, ''].join('\n');
}
