import { csvList, toCsv } from '../csv/index.js';
import { alignColumns } from '../text/table.js';
import type { BulkAuditReport } from './audit-tally.js';

export type BulkAuditFormat = 'table' | 'csv' | 'json';

/**
 * CSV (src/csv: RFC 4180, UTF-8 BOM, formula guard): one row per indicated pregnancy with no notice
 * (the totals are in the table / JSON forms); `rules` joined with `;` as in every CSV (src/csv/list.ts);
 * the pregnancy as the compliance report names it, its latest EDD, the deadline and the status.
 */
export function bulkAuditCsv(r: BulkAuditReport): string {
  return toCsv(
    ['patient', 'pregnancyKey', 'rules', 'firstEvidenceDate', 'pregnancy', 'edd', 'dueBy', 'status'],
    r.missing.map((m) => [
      m.patient,
      m.pregnancyKey ?? '',
      csvList(m.rules),
      m.firstEvidenceDate ?? '',
      m.pregnancy ?? '',
      m.edd ?? '',
      m.dueBy ?? '',
      m.status,
    ]),
  );
}

/** Human-readable: totals, the missing-notice list, the first malformed lines. */
export function bulkAuditTable(r: BulkAuditReport): string {
  const t = r.totals;
  const unattributed =
    Object.entries(t.unattributed)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || '0';
  const out = [
    `Art. 24 indications without an Art. 25 notice — as of ${r.asOf} (${r.timeZone})`,
    '',
    alignColumns([
      ['lines read', String(t.lines)],
      ['patients', String(t.patients)],
      ['  without a Patient resource', String(t.patientsWithoutPatientResource)],
      ['pregnant now', String(t.pregnantNow)],
      ['indicated', String(t.indicated)],
      ['with notice', String(t.withNotice)],
      ['  in time', String(t.notifiedInTime)],
      ['  late', String(t.notifiedLate)],
      ['  notice not covering every rule', String(t.noticeNotCoveringAll)],
      ['no notice, pending (due date not passed)', String(t.pending)],
      ['missing notice', String(t.missing)],
      ['malformed lines', String(t.malformedLines)],
      ['unattributed resources', unattributed],
      ['rule errors', String(t.ruleErrors)],
    ]),
    '',
  ];
  if (r.missing.length > 0) {
    out.push(
      alignColumns([
        ['patient', 'pregnancy', 'EDD', 'rules', 'first evidence', 'due by', 'status'],
        ...r.missing.map((m) => [
          m.patient,
          m.pregnancy ?? m.pregnancyKey ?? '-',
          m.edd ?? '-',
          m.rules.join(','),
          m.firstEvidenceDate ?? '-',
          m.dueBy ?? '-',
          m.status,
        ]),
      ]),
      '',
    );
  }
  if (r.malformed.length > 0) {
    out.push('malformed lines:', ...r.malformed.map((m) => `  ${m.file}:${m.line}: ${m.reason}`));
    if (t.malformedLines > r.malformed.length) out.push(`  … and ${t.malformedLines - r.malformed.length} more`);
    out.push('');
  }
  return out.join('\n');
}

export function formatBulkAudit(r: BulkAuditReport, format: BulkAuditFormat): string {
  if (format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  return format === 'csv' ? bulkAuditCsv(r) : bulkAuditTable(r);
}
