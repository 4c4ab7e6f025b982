import { computeFollowUp, followUpFromFacts } from '../qc/follow-up.js';
import { PROVINCE_SCOPE } from '../qc/compliance-summary.js';
import type { FollowUpOptions, FollowUpReport } from '../qc/follow-up-types.js';
import type { AuditStore } from './audit-store.js';
import { periodCalls } from './compliance-period.js';
import { summaryReady, type ReportSource } from './compliance-report.js';
import { readFollowUpPeriod } from './follow-up-period.js';

/**
 * The follow-up funnel of a period, for `GET /qc/follow-up` and the CLI alike
 * (docs/design.md#qc-summary). From the per-pregnancy summary when it is current (`summaryReady`, as
 * notification compliance): the scope's funnel facts of the pregnancies first indicated around the
 * period or with an NIPT result dated in it — `followUpFromFacts` selects them. Else from the
 * period's rows (./follow-up-period.ts), as before the summary.
 */
export async function followUpReport(
  audit: AuditStore,
  q: { from: string; to: string; institution?: string | undefined },
  opts: FollowUpOptions,
): Promise<{ report: FollowUpReport; source: ReportSource }> {
  if (!(await summaryReady(audit, opts))) {
    const input = await readFollowUpPeriod(audit, q, opts.today);
    return { report: computeFollowUp(input, opts), source: 'rows' };
  }
  const facts = await audit.listFollowUpFacts({
    scope: q.institution ?? PROVINCE_SCOPE,
    ...periodCalls({ from: q.from, to: q.to }),
    niptFrom: q.from,
    niptTo: q.to,
  });
  return { report: followUpFromFacts(facts, opts), source: 'summary' };
}
