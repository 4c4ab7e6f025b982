import type { ReportItem, RegistryReport } from './report.js';

/** Renders the registry report as CSV (RFC 4180) or an aligned text table. */
const HEADER = ['bucket', 'kind', 'holder', 'holder_name', 'number', 'techniques', 'date', 'due_by', 'days', 'reason'] as const;

function row(i: ReportItem): string[] {
  return [i.bucket, i.kind, i.holder, i.holderName ?? '', i.number, i.techniques.join(';'), i.date ?? '', i.dueBy ?? '', i.days === undefined ? '' : String(i.days), i.reason ?? ''];
}

/** Quotes a CSV field when needed; a leading =,+,-,@ is prefixed with ' (spreadsheet formula injection). */
export function csvField(v: string): string {
  const safe = /^[=+\-@]/.test(v) && !/^-?\d+$/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function reportCsv(r: RegistryReport): string {
  return [HEADER.join(','), ...r.items.map((i) => row(i).map(csvField).join(','))].join('\r\n') + '\r\n';
}

export function reportTable(r: RegistryReport): string {
  const rows = [HEADER.map(String), ...r.items.map(row)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((x) => [...x[c]!].length)));
  const lines = rows.map((x) => x.map((v, c) => v + ' '.repeat(widths[c]! - [...v].length)).join('  ').trimEnd());
  const counts = Object.entries(r.counts).map(([k, n]) => `${k}: ${n}`).join(', ');
  return [`registry report ${r.today} (expiring within ${r.expiringWithinDays} days) — ${counts}`, '', ...lines, ''].join('\n');
}
