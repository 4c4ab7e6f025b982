import { addDays } from '../calendar/index.js';
import type { DataQualityInput } from '../qc/data-quality.js';
import type { AuditStore } from './audit-store.js';

/**
 * The audit rows of the data-quality report (`GET /qc/data-quality`): the undecided outcomes and the
 * rule errors of the hook calls received from `from` to `to`, with a day of slack each side for any
 * clinic zone (the report keeps the calls of its calendar days). A rule error's message (`cause`) is
 * not passed on: it may quote record data and stays in the audit.
 */
export async function readDataQualityPeriod(
  audit: Pick<AuditStore, 'listUndecided' | 'listRuleErrors'>,
  q: { from: string; to: string; institution?: string | undefined },
): Promise<DataQualityInput> {
  const period = {
    from: `${addDays(q.from, -1)}T00:00:00Z`,
    to: `${addDays(q.to, 2)}T00:00:00Z`,
    ...(q.institution === undefined ? {} : { institutionId: q.institution }),
  };
  const [undecided, errors] = await Promise.all([audit.listUndecided(period), audit.listRuleErrors(period)]);
  return { undecided, ruleErrors: errors.map(({ cause: _cause, ...rest }) => rest) };
}
