import { addDays } from '../calendar/index.js';
import type { FollowUpInput } from '../qc/follow-up-types.js';
import type { AuditStore } from './audit-store.js';
import { LOOKBACK_DAYS, readCompliancePeriod } from './compliance-period.js';

/**
 * The audit rows of the follow-up funnel (`GET /qc/follow-up` and the CLI alike,
 * docs/design.md#follow-up): notification compliance's rows (./compliance-period.ts) and the
 * follow-up events observed by the calls received from `from − LOOKBACK_DAYS` up to today (what
 * followed an indication is seen after it), with the same institution filter and a day of slack
 * each side for any zone.
 */
export async function readFollowUpPeriod(
  audit: AuditStore,
  q: { from: string; to: string; institution?: string | undefined },
  today: string,
): Promise<FollowUpInput> {
  const start = `${addDays(q.from, -LOOKBACK_DAYS - 1)}T00:00:00Z`;
  const end = `${addDays(today > q.to ? today : q.to, 2)}T00:00:00Z`;
  const period = q.institution === undefined ? { from: start, to: end } : { from: start, to: end, institutionId: q.institution };
  const [compliance, events] = await Promise.all([readCompliancePeriod(audit, q, today), audit.listFollowUpEvents(period)]);
  return { compliance, events };
}
