import type { Coding, DiagnosticReport } from '@medplum/fhirtypes';
import type { PatientSnapshot } from '../../fhir/snapshot.js';
import type { ValueSetMatcher } from '../value-sets/matcher.js';
import { categories, codes, conclusionCodes } from './concepts.js';
import { codingAt } from './memo.js';
import { isAboutPatient } from './subject.js';

/**
 * What makes a DiagnosticReport a prenatal-diagnosis result showing a fetal abnormality
 * (docs/rules.md#abnormal-result-notice), whatever its date and performer: the predicates of the
 * rule `abnormal-result-notice`, shared with the stages that gather what the rule will need before
 * it runs — the reference fetch of the performer (docs/design.md#reference-fetch) and the
 * performer's registry facts — so that exactly the reports that could fire are looked at.
 */

/** Report statuses of a result that has been issued (R4: `appended` and `corrected` are kinds of `amended`). */
export const ISSUED_REPORT_STATUSES: ReadonlySet<string> = new Set(['final', 'amended', 'corrected', 'appended']);

const REPORT_AT = [categories, codes] as const;

/** The abnormal conclusion of a report: its coding, and whether it is chromosomal or structural. */
export interface AbnormalConclusion {
  readonly coding: Coding;
  readonly kind: 'chromosomal' | 'structural';
}

/**
 * The abnormal conclusion of an issued prenatal-diagnosis report: status issued, category or code in
 * `prenatal-diagnosis-report`, a conclusion code in `chromosomal-abnormality` (first) or
 * `fetal-anomaly`. `undefined` for any other report.
 */
export function abnormalDiagnosisConclusion(matcher: ValueSetMatcher, r: DiagnosticReport): AbnormalConclusion | undefined {
  if (!ISSUED_REPORT_STATUSES.has(r.status)) return undefined;
  if (!REPORT_AT.some((at) => codingAt(matcher, 'prenatal-diagnosis-report', at, r) !== undefined)) return undefined;
  const chromosomal = codingAt(matcher, 'chromosomal-abnormality', conclusionCodes, r);
  if (chromosomal) return { coding: chromosomal, kind: 'chromosomal' };
  const structural = codingAt(matcher, 'fetal-anomaly', conclusionCodes, r);
  return structural ? { coding: structural, kind: 'structural' } : undefined;
}

/**
 * Most reports whose performer is gathered ahead of the rule (read by reference, looked up in the
 * registry): the most recent ones. A woman has one or two such results in a pregnancy; the bound
 * keeps a record full of them from costing a read each.
 */
export const MAX_PERFORMER_REPORTS = 3;

/** The day a report is about, as written (effective[x], else issued), for ordering only. */
function writtenDate(r: DiagnosticReport): string {
  return r.effectiveDateTime ?? r.effectivePeriod?.end ?? r.effectivePeriod?.start ?? r.issued ?? '';
}

/**
 * The woman's reports with an abnormal prenatal-diagnosis conclusion
 * ({@link abnormalDiagnosisConclusion}), most recent first, at most `limit`. Not scoped to the
 * pregnancy (the rule does that): the most recent are this pregnancy's when there are any.
 */
export function abnormalDiagnosisReports(
  snapshot: PatientSnapshot,
  matcher: ValueSetMatcher,
  limit: number = MAX_PERFORMER_REPORTS,
): DiagnosticReport[] {
  return snapshot
    .ofType('DiagnosticReport')
    .filter((r) => isAboutPatient(r, snapshot.patientId) && abnormalDiagnosisConclusion(matcher, r) !== undefined)
    .sort((a, b) => writtenDate(b).localeCompare(writtenDate(a)))
    .slice(0, limit);
}
