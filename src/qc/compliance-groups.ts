import { instantDay } from '../calendar/index.js';
import { compareIds } from '../text/natural-order.js';
import type { ComplianceCase, ComplianceCounts, ComplianceRow, GroupBy } from './compliance-types.js';

/** Group key of a case without an institution / practitioner. */
export const UNKNOWN_KEY = 'unknown';

/** The clinic's zone and calendar day: what decides whether a deadline passed. */
export interface CountAt {
  readonly timeZone: string;
  readonly today: string;
}

const NOTIFIED: ReadonlySet<string> = new Set(['notified-in-time', 'notified-late', 'declined', 'postponed']);

/**
 * Counts of a set of cases (docs/design.md#case-status). The denominator `due` holds the cases
 * whose deadline passed (`today` after `dueBy`) or that are notified: a pending case, or a
 * notice-issued one before its deadline, is not yet a failure. `notified` counts every notified
 * status (declined and postponed signed the notice too); `notifiedInTime` those notified by
 * `dueBy`. Rates are fractions 0..1 (not percentages), `null` when nothing is due.
 */
export function countCases(cases: readonly ComplianceCase[], at: CountAt): ComplianceCounts {
  const count = (p: (c: ComplianceCase) => boolean) => cases.filter(p).length;
  const isNotified = (c: ComplianceCase) => NOTIFIED.has(c.status);
  const due = count((c) => isNotified(c) || at.today > c.dueBy);
  const notified = count(isNotified);
  const notifiedInTime = count((c) => isNotified(c) && c.noticeAt !== null && instantDay(c.noticeAt, at.timeZone) <= c.dueBy);
  return {
    indicated: cases.length,
    due,
    notified,
    notifiedInTime,
    rate: due === 0 ? null : notified / due,
    inTimeRate: due === 0 ? null : notifiedInTime / due,
    pending: count((c) => c.status === 'pending'),
    noticeIssued: count((c) => c.status === 'notice-issued'),
    missing: count((c) => c.status === 'missing'),
    declined: count((c) => c.status === 'declined'),
    postponed: count((c) => c.status === 'postponed'),
  };
}

/** The group keys of a case: one, except `rule` (a case with two rules counts in both rule rows). */
export function keysOf(c: ComplianceCase, groupBy: GroupBy, timeZone: string): readonly string[] {
  switch (groupBy) {
    case 'institution':
      return [c.institution ?? UNKNOWN_KEY];
    case 'practitioner':
      return [c.practitioner ?? UNKNOWN_KEY];
    case 'rule':
      return c.rules;
    case 'month':
      return [instantDay(c.firstIndicatedAt, timeZone).slice(0, 7)];
  }
}

/**
 * Rows by group key, in natural order (org-2 before org-10; docs/design.md#cli-output); `total` is
 * computed separately and counts each case once.
 */
export function groupCases(cases: readonly ComplianceCase[], groupBy: GroupBy, at: CountAt): ComplianceRow[] {
  const groups = new Map<string, ComplianceCase[]>();
  for (const c of cases) {
    for (const key of keysOf(c, groupBy, at.timeZone)) {
      const list = groups.get(key);
      if (list) list.push(c);
      else groups.set(key, [c]);
    }
  }
  return [...groups.keys()].sort(compareIds).map((key) => ({ key, ...countCases(groups.get(key)!, at) }));
}
