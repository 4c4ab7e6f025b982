import { instantDay } from '../calendar/index.js';
import type { ComplianceCase, ComplianceCounts, ComplianceRow, GroupBy } from './compliance-types.js';

/** Group key of a case without an institution / practitioner. */
export const UNKNOWN_KEY = 'unknown';

/**
 * Counts of a set of cases. `notified` includes late notices; `notifiedInTime` only those within
 * the deadline. Rates are fractions 0..1 (not percentages), `null` when nothing was indicated.
 */
export function countCases(cases: readonly ComplianceCase[]): ComplianceCounts {
  const indicated = cases.length;
  const notified = cases.filter((c) => c.status !== 'missing').length;
  const notifiedInTime = cases.filter((c) => c.status === 'notified').length;
  return {
    indicated,
    notified,
    notifiedInTime,
    rate: indicated === 0 ? null : notified / indicated,
    inTimeRate: indicated === 0 ? null : notifiedInTime / indicated,
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

/** Rows by group key (sorted by key); `total` is computed separately and counts each case once. */
export function groupCases(cases: readonly ComplianceCase[], groupBy: GroupBy, timeZone: string): ComplianceRow[] {
  const groups = new Map<string, ComplianceCase[]>();
  for (const c of cases) {
    for (const key of keysOf(c, groupBy, timeZone)) {
      const list = groups.get(key);
      if (list) list.push(c);
      else groups.set(key, [c]);
    }
  }
  return [...groups.keys()].sort().map((key) => ({ key, ...countCases(groups.get(key)!) }));
}
