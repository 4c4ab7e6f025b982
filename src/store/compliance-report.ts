import { complianceFromFacts, computeCompliance } from '../qc/compliance.js';
import { PROVINCE_SCOPE, type SummarySettings } from '../qc/compliance-summary.js';
import type { ComplianceOptions, ComplianceReport } from '../qc/compliance-types.js';
import type { AuditStore } from './audit-store.js';
import { periodCalls, readCompliancePeriod } from './compliance-period.js';

/**
 * Most women a report folds into the summary before answering (docs/design.md#qc-summary). A larger
 * backlog — the first reports after the migration, a changed CLINIC_TIMEZONE, a server whose
 * background refresh fell behind — is left to the background, and the report reads its rows.
 */
export const SUMMARY_INLINE_MAX = 2_000;

/** Where a QC report came from: the per-pregnancy summary, or the audit rows of its period. */
export type ReportSource = 'summary' | 'rows';

/**
 * The notification-compliance report of a period, for `GET /qc/notification-compliance` and the CLI
 * alike. From the per-pregnancy summary when it is current — computed with these settings, and at
 * most SUMMARY_INLINE_MAX women behind, whom the report first folds in (every write committed before
 * the request is in its answer) — by the scope's facts of the pregnancies first indicated around the
 * period (a day of slack each side for any zone; `caseOf` selects the period's days). Else from the
 * period's rows (./compliance-period.ts), as before the summary: the same cases but for a pregnancy
 * whose rows span more than the rows' lookback (docs/design.md#qc-summary).
 */
export async function complianceReport(
  audit: AuditStore,
  q: { from: string; to: string; institution?: string | undefined },
  opts: ComplianceOptions,
): Promise<{ report: ComplianceReport; source: ReportSource }> {
  if (!(await summaryReady(audit, opts))) {
    const input = await readCompliancePeriod(audit, q, opts.today);
    return { report: computeCompliance(input, opts), source: 'rows' };
  }
  // A first finding's instant is its call's receipt: the period's calls' window, a day of slack each side (`caseOf` selects the days).
  const facts = await audit.listPregnancyFacts({ scope: q.institution ?? PROVINCE_SCOPE, ...periodCalls({ from: q.from, to: q.to }) });
  return { report: complianceFromFacts(facts, opts), source: 'summary' };
}

/**
 * Whether a report can read the per-pregnancy summary: computed with these settings and at most
 * SUMMARY_INLINE_MAX women behind, whom it folds in first (every write committed before the request
 * is then in the answer).
 */
export async function summaryReady(audit: AuditStore, settings: SummarySettings): Promise<boolean> {
  const status = await audit.summaryStatus(settings);
  if (!status.current || status.backlog > SUMMARY_INLINE_MAX) return false;
  if (status.backlog > 0) await audit.refreshSummary(settings, { maxWomen: SUMMARY_INLINE_MAX });
  return true;
}
