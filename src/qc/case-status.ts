import type { CaseStatus } from './compliance-types.js';

/** What a case's status is decided from (docs/design.md#case-status). */
export interface CaseStatusFacts {
  /** The deadline: a clinic day (YYYY-MM-DD). */
  readonly dueBy: string;
  /** The clinic day the woman was notified (signed acknowledgement or notice Communication), else `null`. */
  readonly noticeDay: string | null;
  /** Whether the notice suggestion was clicked (feedback): not a notification. */
  readonly issued: boolean;
  /** The decision of the latest signed acknowledgement, else `null`. */
  readonly decision: string | null;
}

/**
 * The case status of docs/design.md#case-status, shared by the compliance report and the bulk audit:
 * notified (by decision, then by deadline), else clicked, else by the deadline against the clinic's
 * `today` — on the due day itself a case is still pending.
 */
export function caseStatus(c: CaseStatusFacts, today: string): CaseStatus {
  if (c.noticeDay !== null) {
    if (c.decision === 'declined' || c.decision === 'postponed') return c.decision;
    return c.noticeDay <= c.dueBy ? 'notified-in-time' : 'notified-late';
  }
  if (c.issued) return 'notice-issued';
  return today > c.dueBy ? 'missing' : 'pending';
}
