/**
 * Wire and input types of the notification-compliance report (docs/design.md#qc, an interface).
 * Input types are structural: the audit store's query rows satisfy them, and the pure QC layer
 * never imports the store (architecture test).
 */

import type { PatientScope, PregnancyEnd, PregnancySighting } from './pregnancy-identity.js';

export const GROUP_BYS = ['institution', 'practitioner', 'rule', 'month'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/**
 * Case status (docs/design.md#case-status): `pending` — indicated, not notified, its deadline not
 * passed; `notice-issued` — the notice suggestion was clicked, nothing signed or observed;
 * `notified-in-time` / `notified-late` — a signed acknowledgement or an observed notice
 * Communication, by or after the deadline; `missing` — the deadline passed, not notified;
 * `declined` / `postponed` — the latest signed acknowledgement says so.
 */
export const CASE_STATUSES = ['pending', 'notice-issued', 'notified-in-time', 'notified-late', 'missing', 'declined', 'postponed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Where a finding or card sits: the facts of its hook call (`issuer` / `tenant`: the EHR that owns `patientId`). */
export interface CallFacts extends PatientScope {
  readonly hookCallId: string;
  readonly receivedAt: string;
  readonly institutionId?: string;
  readonly practitionerId?: string;
  readonly patientId?: string;
  /** Her record number (MRN_SYSTEM) stored with the call (docs/design.md#patient-identity). */
  readonly patientMrn?: string;
  readonly pregnancyKey?: string;
  /** The call's best EDD (YYYY-MM-DD): a revised EDD of the same pregnancy (docs/design.md#pregnancy-identity). */
  readonly edd?: string;
}

/** One finding of a hook call (only `rule` matters here). */
export interface FindingFact extends CallFacts {
  readonly rule: string;
}

/** One card of a hook call with its suggestions (uuid + kind, e.g. `create:Communication`). */
export interface CardFact extends CallFacts {
  readonly uuid: string;
  readonly suggestions: readonly { readonly uuid: string; readonly kind: string }[];
}

/** One CDS Hooks feedback item (https://cds-hooks.hl7.org/2.0/#feedback). */
export interface FeedbackFact {
  readonly cardUuid: string;
  readonly outcome: string;
  readonly acceptedSuggestions: readonly string[];
  readonly outcomeTimestamp: string;
}

/** A signed notice acknowledgement, with the facts of its notice (and the EHR of its notice's call). */
export interface AcknowledgementFact extends PatientScope {
  readonly noticeId: string;
  readonly signedAt: string;
  readonly patientId: string;
  readonly pregnancyKey?: string;
  /** The best EDD of the call that issued the notice. */
  readonly edd?: string;
  /** `accepted-referral` | `declined` | `postponed` | `undecided`. */
  readonly decision?: string;
}

/**
 * A completed notice Communication observed: by a later hook call (it re-linked the stored notice
 * the Communication names; `at` is that call's time), or in a bulk export.
 */
export interface CommunicationFact extends PatientScope {
  /** The notice's pregnancy facts (its issuing call's), resolved like every row's. */
  readonly patientId?: string;
  readonly pregnancyKey?: string;
  readonly edd?: string;
  readonly at: string;
}

/** Everything the report is computed from (fetched with a lookback before `from`). */
export interface ComplianceInput {
  readonly findings: readonly FindingFact[];
  readonly cards: readonly CardFact[];
  readonly feedback: readonly FeedbackFact[];
  readonly acknowledgements: readonly AcknowledgementFact[];
  readonly communications?: readonly CommunicationFact[];
  /**
   * Every pregnancy sighting of the women concerned, whatever the institution or period
   * (docs/design.md#pregnancy-identity); the rows above are sightings too.
   */
  readonly sightings?: readonly PregnancySighting[];
  /** Pregnancy-end records, when the source has them (the bulk audit). */
  readonly ends?: readonly PregnancyEnd[];
}

export interface ComplianceOptions {
  /** First calendar day (YYYY-MM-DD, in `timeZone`), inclusive. */
  readonly from: string;
  /** Last calendar day, inclusive. */
  readonly to: string;
  readonly groupBy: GroupBy;
  /** CLINIC_TIMEZONE: decides calendar days, months and deadlines. */
  readonly timeZone: string;
  /** NOTICE_DEADLINE_DAYS: a notice at most this many calendar days after the first finding is in time. */
  readonly deadlineDays: number;
  /** The clinic's calendar day now (`ClinicalNow.today`): a deadline before it has passed. */
  readonly today: string;
  /** Rule ids whose findings make a pregnancy "indicated" (REFERRAL_RULE_IDS). */
  readonly referralRules: readonly string[];
  /** PREGNANCY_EDD_TOLERANCE_DAYS (default 28): docs/design.md#pregnancy-identity. */
  readonly pregnancyToleranceDays?: number;
}

/**
 * Counts of one group (or the total). `due` is the denominator of both rates: the cases whose
 * deadline passed or that are notified (a pending case is not yet a failure). `notified` counts
 * notified-in-time, notified-late, declined and postponed; `notifiedInTime` those of them notified
 * by the deadline. Rates are 0..1, `null` when `due` is 0. The status counts add up to `indicated`.
 */
export interface ComplianceCounts {
  readonly indicated: number;
  readonly due: number;
  readonly notified: number;
  readonly notifiedInTime: number;
  readonly rate: number | null;
  readonly inTimeRate: number | null;
  readonly pending: number;
  readonly noticeIssued: number;
  readonly missing: number;
  readonly declined: number;
  readonly postponed: number;
}

export interface ComplianceRow extends ComplianceCounts {
  readonly key: string;
}

/** One indicated pregnancy. */
export interface ComplianceCase {
  /** The pregnancy's id (docs/design.md#pregnancy-identity): the raw key of its earliest sighting. */
  readonly pregnancy: string;
  readonly patient: string;
  /**
   * The EHR that owns `patient` (`<issuer>[ <tenant>]`, docs/design.md#pregnancy-identity), when the
   * calls carried one: the QC presenter pseudonymises with it and drops it from the API's answers.
   */
  readonly ehr?: string;
  /** Her record number (MRN_SYSTEM) from the indicating call; `null` when unknown or not shown to the reader (docs/design.md#patient-identity). */
  readonly mrn: string | null;
  /** The pregnancy's latest best EDD (YYYY-MM-DD), else `null`. */
  readonly edd: string | null;
  readonly institution: string | null;
  readonly practitioner: string | null;
  readonly rules: readonly string[];
  readonly firstIndicatedAt: string;
  /** The deadline: the clinic day NOTICE_DEADLINE_DAYS after the first finding's day (YYYY-MM-DD). */
  readonly dueBy: string;
  /** When notified: the earliest signed acknowledgement or observed notice Communication. */
  readonly noticeAt: string | null;
  /** The earliest click on the notice suggestion (feedback), else `null`; not a notification. */
  readonly noticeIssuedAt: string | null;
  readonly acknowledgedAt: string | null;
  /** The decision of the latest signed acknowledgement, else `null`. */
  readonly decision: string | null;
  readonly status: CaseStatus;
}

/** `GET /qc/notification-compliance` body. */
export interface ComplianceReport {
  readonly from: string;
  readonly to: string;
  readonly groupBy: GroupBy;
  readonly rows: readonly ComplianceRow[];
  readonly total: ComplianceCounts;
  readonly cases: readonly ComplianceCase[];
}
