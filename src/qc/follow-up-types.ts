/**
 * Wire and input types of the follow-up funnel (docs/design.md#follow-up, an interface the dashboard
 * codes against). Input types are structural: the audit store's rows and the bulk audit's facts
 * satisfy them; the pure QC layer never imports the store.
 */
import type { FollowUpEvent } from '../clinical/data-elements/follow-up-events.js';
import type { ComplianceInput, ComplianceOptions } from './compliance-types.js';
import type { PatientScope } from './pregnancy-identity.js';

export const FOLLOW_UP_GROUP_BYS = ['institution', 'month'] as const;
export type FollowUpGroupBy = (typeof FOLLOW_UP_GROUP_BYS)[number];

/** The funnel's stages, in order; a pregnancy's `stage` is the furthest it reached. */
export const FUNNEL_STAGES = ['indicated', 'notified', 'signed', 'referred', 'procedure', 'result', 'outcome'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

export const FOLLOW_UP_SECTIONS = ['rows', 'undiagnosed', 'nipt'] as const;
export type FollowUpSection = (typeof FOLLOW_UP_SECTIONS)[number];

/** An observed follow-up event with the facts of the hook call (or export) that saw it. */
export interface FollowUpFact extends FollowUpEvent, PatientScope {
  readonly receivedAt: string;
  readonly patientId?: string;
  readonly pregnancyKey?: string;
  readonly edd?: string;
  readonly institutionId?: string;
}

export interface FollowUpInput {
  /** The audit rows of notification compliance (docs/design.md#qc): indicated, notified and signed come from them. */
  readonly compliance: ComplianceInput;
  /** Every follow-up event observed from the lookback before `from` up to today. */
  readonly events: readonly FollowUpFact[];
}

/** The funnel's options: notification compliance's (its groupBy aside) and the diagnosis deadline. */
export interface FollowUpOptions extends Omit<ComplianceOptions, 'groupBy'> {
  readonly groupBy: FollowUpGroupBy;
  /** FOLLOW_UP_DIAGNOSIS_DAYS (28): days from the indication within which prenatal diagnosis is due. */
  readonly diagnosisDays: number;
}

/**
 * Counts of one group (or the total), each stage counted on its own (a procedure without a recorded
 * referral still counts as a procedure): `notified` — notified as in notification compliance;
 * `signed` — an acknowledgement signed, split by the latest decision into `accepted`, `declined`,
 * `postponed` (an `undecided` signature counts in `signed` only).
 */
export interface FollowUpCounts {
  readonly indicated: number;
  readonly notified: number;
  readonly signed: number;
  readonly accepted: number;
  readonly declined: number;
  readonly postponed: number;
  readonly referred: number;
  readonly procedure: number;
  readonly result: number;
  readonly outcome: number;
}

export interface FollowUpRow extends FollowUpCounts {
  readonly key: string;
}

/** An indicated (or high-risk NIPT) pregnancy with no prenatal diagnosis recorded. */
export interface UndiagnosedCase {
  readonly pregnancy: string;
  readonly patient: string;
  /** The EHR that owns `patient` (as `ComplianceCase.ehr`). */
  readonly ehr?: string;
  readonly institution: string | null;
  readonly reason: 'indicated' | 'nipt-high-risk';
  readonly rules: readonly string[];
  /** The first indication (an instant), or the high-risk NIPT's date as the record gives it. */
  readonly indicatedAt: string;
  readonly edd: string | null;
  /** The earlier of the indication day + FOLLOW_UP_DIAGNOSIS_DAYS and the day GA reaches 24+0 (EDD − 112). */
  readonly diagnosisDueBy: string;
  /** Days past `diagnosisDueBy` (> 0 overdue); ≤ 0: the days left, negated. */
  readonly overdueDays: number;
  /** The furthest stage reached, `null` when none (a high-risk NIPT alone). */
  readonly stage: FunnelStage | null;
}

/** Art. 29 follow-up of an NIPT. */
export interface NiptCase {
  readonly pregnancy: string;
  readonly patient: string;
  /** The EHR that owns `patient` (as `ComplianceCase.ehr`). */
  readonly ehr?: string;
  /** The screening institution (the result's performer), else the institution of the call that saw it. */
  readonly institution: string | null;
  readonly kind: 'high-risk-undiagnosed' | 'no-outcome';
  readonly niptOn: string;
  readonly edd: string | null;
  /** High risk: when diagnosis is due (as `diagnosisDueBy`); no outcome: EDD + 42 days. */
  readonly dueBy: string | null;
}

/** `GET /qc/follow-up` body. */
export interface FollowUpReport {
  readonly from: string;
  readonly to: string;
  readonly groupBy: FollowUpGroupBy;
  readonly today: string;
  readonly rows: readonly FollowUpRow[];
  readonly total: FollowUpCounts;
  readonly undiagnosed: readonly UndiagnosedCase[];
  readonly nipt: readonly NiptCase[];
}
