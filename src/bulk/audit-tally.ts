import { compareIds } from '../text/natural-order.js';
import type { FollowUpReport } from '../qc/follow-up-types.js';
import type { PatientAudit } from './audit-patient.js';

/** A line that could not be read as a FHIR resource: where, and why. */
export interface MalformedLine {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/**
 * An indicated pregnancy with no Art. 25 notice Communication: `missing` once its deadline passed,
 * `pending` before (docs/design.md#case-status).
 */
export interface MissingNotice {
  readonly patient: string;
  /** Her record number (MRN_SYSTEM), `null` when none is configured or she has none (docs/design.md#bulk-mrn). */
  readonly mrn: string | null;
  readonly pregnancyKey: string | null;
  readonly rules: readonly string[];
  readonly firstEvidenceDate: string | null;
  /** The pregnancy as the compliance report names it, and its latest EDD (docs/design.md#pregnancy-identity). */
  readonly pregnancy: string | null;
  readonly edd: string | null;
  readonly dueBy: string | null;
  readonly status: 'pending' | 'missing';
}

export interface BulkAuditTotals {
  /** Lines read (non-blank) across every file. */
  readonly lines: number;
  /** Distinct patients (a Patient resource or a resource pointing at one). */
  readonly patients: number;
  /** Patients with resources but no Patient resource in the export. */
  readonly patientsWithoutPatientResource: number;
  readonly pregnantNow: number;
  readonly indicated: number;
  readonly withNotice: number;
  /** With a notice by the deadline, or after it (docs/design.md#case-status). */
  readonly notifiedInTime: number;
  readonly notifiedLate: number;
  /** No notice and the deadline not passed. */
  readonly pending: number;
  /** No notice and the deadline passed. */
  readonly missing: number;
  /** Indicated pregnancies whose notice does not list every rule that fires now. */
  readonly noticeNotCoveringAll: number;
  readonly malformedLines: number;
  /** Resources naming no patient (not evaluated), by resource type. */
  readonly unattributed: Readonly<Record<string, number>>;
  readonly ruleErrors: number;
}

/** The retrospective Art. 24 / Art. 25 audit of a Bulk Data export. */
export interface BulkAuditReport {
  readonly asOf: string;
  readonly timeZone: string;
  readonly totals: BulkAuditTotals;
  /** Sorted by patient id, then pregnancy key. */
  readonly missing: readonly MissingNotice[];
  /** The first malformed lines (all are counted in `totals.malformedLines`). */
  readonly malformed: readonly MalformedLine[];
  /** The follow-up funnel over the export, as `GET /qc/follow-up` computes it (docs/design.md#follow-up); `runBulkAudit` always sets it. */
  readonly followUp?: FollowUpReport;
}

/** Accumulates patient audits; the state is counters plus the (small) missing list. */
export interface AuditTally {
  add(a: PatientAudit): void;
  report(input: {
    asOf: string;
    timeZone: string;
    lines: number;
    malformed: readonly MalformedLine[];
    malformedCount: number;
    unattributed: Readonly<Record<string, number>>;
    followUp?: FollowUpReport;
  }): BulkAuditReport;
}

export function createAuditTally(): AuditTally {
  let patients = 0,
    withoutPatient = 0,
    pregnantNow = 0,
    indicated = 0,
    withNotice = 0,
    notifiedInTime = 0,
    notifiedLate = 0,
    pending = 0,
    notCovering = 0,
    ruleErrors = 0;
  const missing: MissingNotice[] = [];
  return {
    add(a) {
      patients++;
      if (!a.hasPatientResource) withoutPatient++;
      ruleErrors += a.ruleErrors;
      if (!a.pregnant) return;
      pregnantNow++;
      if (a.rules.length === 0) return;
      indicated++;
      if (a.notice) {
        withNotice++;
        if (a.status === 'notified-late') notifiedLate++;
        else notifiedInTime++;
        if (a.rules.some((r) => !a.notice!.rules.includes(r))) notCovering++;
        return;
      }
      if (a.status === 'pending') pending++;
      missing.push({
        patient: `Patient/${a.patientId}`,
        mrn: a.mrn ?? null,
        pregnancyKey: a.pregnancyKey ?? null,
        rules: a.rules,
        firstEvidenceDate: a.firstEvidenceDate ?? null,
        pregnancy: a.pregnancy ?? null,
        edd: a.edd ?? null,
        dueBy: a.dueBy ?? null,
        status: a.status === 'pending' ? 'pending' : 'missing',
      });
    },
    report({ asOf, timeZone, lines, malformed, malformedCount, unattributed, followUp }) {
      // Natural order: Patient/p-demo-2 before Patient/p-demo-10 (docs/design.md#cli-output).
      const sorted = [...missing].sort(
        (x, y) => compareIds(x.patient, y.patient) || compareIds(x.pregnancyKey ?? '', y.pregnancyKey ?? ''),
      );
      return {
        asOf,
        timeZone,
        totals: {
          lines,
          patients,
          patientsWithoutPatientResource: withoutPatient,
          pregnantNow,
          indicated,
          withNotice,
          notifiedInTime,
          notifiedLate,
          pending,
          missing: missing.length - pending,
          noticeNotCoveringAll: notCovering,
          malformedLines: malformedCount,
          unattributed,
          ruleErrors,
        },
        missing: sorted,
        malformed,
        ...(followUp ? { followUp } : {}),
      };
    },
  };
}
