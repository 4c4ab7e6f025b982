import type { Resource } from '@medplum/fhirtypes';
import type { ClinicalNow } from '../clock.js';
import type { Policy } from '../clinical/policy.js';
import { evaluateReferral } from '../referral/evaluate.js';
import { createSnapshot } from '../fhir/snapshot.js';
import { existingNoticeFor } from '../referral/existing-notice.js';
import type { CaseStatus } from '../qc/compliance-types.js';
import { readContext } from '../clinical/data-elements/context.js';
import { patientMrn } from '../clinical/patient-mrn.js';
import { patientFollowUp, type PatientFollowUp } from './audit-follow-up.js';
import { firstEvidenceDay, indicationDay, type FiredFinding } from './audit-indication-day.js';
import { auditedPregnancy, auditedStatus } from './audit-pregnancy.js';

/** What the retrospective audit found for one patient of a Bulk Data export. */
export interface PatientAudit {
  readonly patientId: string;
  /** Whether the export held her Patient resource (not only resources that point at her). */
  readonly hasPatientResource: boolean;
  /** Her record number: the Patient.identifier of MRN_SYSTEM, chosen as the hook path chooses it (docs/design.md#bulk-mrn). */
  readonly mrn?: string;
  /** Currently pregnant on the as-of day (docs/rules.md#current-pregnancy). */
  readonly pregnant: boolean;
  readonly pregnancyKey?: string;
  /** The pregnancy as the compliance report names it, and its latest EDD (docs/design.md#pregnancy-identity). */
  readonly pregnancy?: string;
  readonly edd?: string;
  /** Art. 24 / screening rule ids that fired, sorted; empty ⇒ not indicated. */
  readonly rules: readonly string[];
  /** Earliest date (YYYY-MM-DD) of the evidence behind the findings, when any is dated (may predate the pregnancy). */
  readonly firstEvidenceDate?: string;
  /** Indicated: the day the findings could first have been made in this pregnancy (docs/design.md#bulk-indication-day). */
  readonly indicatedOn?: string;
  /** The notice Communication for this pregnancy, as the referral service recognises it. */
  readonly notice?: { readonly date: string; readonly reference: string; readonly rules: readonly string[] };
  /** Indicated: the notice deadline and the case status (docs/design.md#case-status). */
  readonly dueBy?: string;
  readonly status?: CaseStatus;
  /** Rules that threw for this patient (bugs, counted). */
  readonly ruleErrors: number;
  /** Her share of the follow-up funnel (docs/design.md#follow-up), when she has a finding or a follow-up event. */
  readonly followUp?: PatientFollowUp;
}

/**
 * Runs the referral rules (ZJ-2023 Art.24) for one patient's resources as of `now`, and looks for
 * the Art. 25 notice Communication exactly as the referral service does (`existingNoticeFor`); an
 * indicated pregnancy gets the compliance report's pregnancy identity and case status, due
 * `deadlineDays` (NOTICE_DEADLINE_DAYS) after its indication day (./audit-indication-day.ts); her
 * follow-up facts for the funnel (./audit-follow-up.ts), indicated on the same day; her record
 * number of `mrnSystem` (MRN_SYSTEM) from her Patient resource (`patientMrn`, as the hook path).
 */
export function auditPatient(
  patientId: string,
  resources: readonly Resource[],
  policy: Policy,
  now: ClinicalNow,
  deadlineDays = 7,
  mrnSystem?: string,
): PatientAudit {
  const snapshot = createSnapshot({ patientId, resources });
  const { facts, findings, errors } = evaluateReferral(snapshot, policy, now);
  const rules = [...new Set(findings.map((f) => f.rule as string))].sort();
  const fired = findings.map((f) => ({ rule: f.rule as string, items: (f.params as { items?: FiredFinding['items'] }).items ?? [] }));
  const first =
    rules.length > 0
      ? firstEvidenceDay(
          snapshot,
          fired.flatMap((f) => f.items),
        )
      : undefined;
  const notice = facts.current ? existingNoticeFor(snapshot, facts, now.timeZone) : undefined;
  const ctx = readContext(snapshot, policy, now);
  const identity = rules.length > 0 ? auditedPregnancy(ctx, facts, policy) : {};
  const mrn = patientMrn(snapshot.patient, mrnSystem);
  const indicatedOn = rules.length > 0 ? indicationDay(snapshot, ctx, fired, facts, policy, now) : now.today;
  const status = rules.length > 0 ? auditedStatus(indicatedOn, notice?.date, deadlineDays, now.today) : {};
  const followUp = patientFollowUp({
    ctx,
    policy,
    facts,
    rules,
    ...(mrn ? { mrn } : {}),
    indicatedOn,
    ...identity,
    ...(notice ? { noticeDay: notice.date } : {}),
  });
  return {
    patientId,
    hasPatientResource: snapshot.patient !== undefined,
    ...(mrn ? { mrn } : {}),
    pregnant: facts.current,
    ...(facts.pregnancyKey ? { pregnancyKey: facts.pregnancyKey } : {}),
    ...(identity.pregnancy ? { pregnancy: identity.pregnancy } : {}),
    ...(identity.edd ? { edd: identity.edd } : {}),
    rules,
    ...(first ? { firstEvidenceDate: first } : {}),
    ...(rules.length > 0 ? { indicatedOn } : {}),
    ...(notice ? { notice } : {}),
    ...status,
    ruleErrors: errors.length,
    ...(followUp ? { followUp } : {}),
  };
}
