import { csvList, toCsv } from '../csv/index.js';
import { alignColumns } from '../text/table.js';
import type { FollowUpSection } from '../qc/follow-up-types.js';
import { followUpTable } from '../qc/follow-up-table.js';
import { bulkFollowUpCsv } from './audit-follow-up-format.js';
import type { BulkAuditReport } from './audit-tally.js';

export type BulkAuditFormat = 'table' | 'csv' | 'json';
/** The CSV's section: the indicated pregnancies without a notice (default), or one of the follow-up funnel's. */
export const BULK_AUDIT_SECTIONS = ['missing', 'rows', 'undiagnosed', 'nipt'] as const;
export type BulkAuditSection = 'missing' | FollowUpSection;

/**
 * CSV (src/csv: RFC 4180, UTF-8 BOM, formula guard): one row per indicated pregnancy with no notice
 * (the totals are in the table / JSON forms); her record number (`mrn`, beside her id as in the
 * compliance CSV); `rules` joined with `;` as in every CSV (src/csv/list.ts); the pregnancy as the compliance report names it, its latest EDD, the deadline and the status.
 */
export function bulkAuditCsv(r: BulkAuditReport): string {
  return toCsv(
    ['patient', 'mrn', 'pregnancyKey', 'rules', 'firstEvidenceDate', 'pregnancy', 'edd', 'dueBy', 'status'],
    r.missing.map((m) => [
      m.patient,
      m.mrn ?? '',
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

/** Human-readable: totals, the missing-notice list, the first malformed lines, the follow-up funnel. */
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
        ['patient', 'MRN', 'pregnancy', 'EDD', 'rules', 'first evidence', 'due by', 'status'],
        ...r.missing.map((m) => [
          m.patient,
          m.mrn ?? '-',
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
  if (r.followUp) out.push(followUpTable(r.followUp));
  return out.join('\n');
}

/** JSON: the whole report (the follow-up funnel under `followUp`); CSV: one section; table: the summary. */
export function formatBulkAudit(r: BulkAuditReport, format: BulkAuditFormat, section: BulkAuditSection = 'missing'): string {
  if (format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  if (format === 'table') return bulkAuditTable(r);
  if (section === 'missing') return bulkAuditCsv(r);
  if (!r.followUp) throw new Error('bulk audit report without its follow-up funnel');
  return bulkFollowUpCsv(r.followUp, section);
}
