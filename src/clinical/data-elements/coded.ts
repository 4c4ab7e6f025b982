import type { Coding, Condition, DiagnosticReport, Observation } from '@medplum/fhirtypes';
import type { ClinicalDate } from '../../calendar/index.js';
import type { ReadContext, Unusable } from './context.js';
import { codes, conclusionCodes, valueConcepts, type Concepts } from './concepts.js';
import { codedIn, codingAt } from './memo.js';
import { byRecency } from './observations.js';
import { conditionDate, observationDate, type EvidenceDate } from './resource-dates.js';
import { place } from './scope.js';
import { isAboutPatient, refOf } from './subject.js';

/** A coded finding (Condition code, Observation code/value, DiagnosticReport conclusion). */
export interface CodedHit {
  readonly source: 'condition' | 'observation' | 'report';
  readonly resource: Condition | Observation | DiagnosticReport;
  readonly reference: string;
  readonly coding: Coding;
  readonly date?: ClinicalDate;
  /** Patient-derived text (code text, conclusion). */
  readonly text?: string;
}

export interface CodedSelection {
  /** Most recent first. */
  readonly hits: readonly CodedHit[];
  readonly unusable: readonly Unusable[];
}

type RecencyKey = Parameters<typeof byRecency>[0];

const EXCLUDED_VERIFICATION = new Set(['entered-in-error', 'refuted']);
const FINAL_OBS = new Set(['final', 'amended', 'corrected']);
const FINAL_REPORT = new Set(['final', 'amended', 'corrected', 'appended']);
const CONDITION_PATHS = [codes] as const;
const OBSERVATION_PATHS = [valueConcepts, codes] as const;
const REPORT_PATHS = [conclusionCodes] as const;

/** Condition usable as evidence: not entered-in-error / refuted (clinicalStatus is the caller's business). */
export function conditionUsable(c: Condition): boolean {
  if (c.verificationStatus?.coding?.some((x) => typeof x.code === 'string' && EXCLUDED_VERIFICATION.has(x.code))) return false;
  return !c.clinicalStatus?.coding?.some((x) => x.code === 'entered-in-error');
}

/**
 * Coded evidence of an element across Condition, Observation and DiagnosticReport, per docs/rules.md#usable-evidence:
 * Conditions not entered-in-error/refuted (any clinical status: a resolved finding of this pregnancy
 * is still an indication); Observations and reports final-like, preliminary ones only when no final
 * one of the element exists; an Observation whose value negates its code (`false`, or a value in
 * `finding-absent`) is not a finding. `scoped` = pregnancy-specific (earlier evidence ignored).
 * `accept` narrows the resources that count (e.g. to fetal findings, ./fetal-finding.ts) before
 * anything else: a resource it rejects is neither a hit nor unusable evidence.
 */
export function codedEvidence(
  ctx: ReadContext,
  valueSetId: string,
  scoped: boolean,
  sources: readonly CodedHit['source'][] = ['condition', 'observation', 'report'],
  accept?: (resource: CodedHit['resource']) => boolean,
): CodedSelection {
  const { matcher, snapshot } = ctx;
  const finals: CodedHit[] = [];
  const prelims: CodedHit[] = [];
  const unusable: Unusable[] = [];
  const consider = (
    resource: CodedHit['resource'],
    source: CodedHit['source'],
    coding: Coding | undefined,
    ed: EvidenceDate,
    final: boolean,
    text?: string,
  ) => {
    if (!coding || (accept !== undefined && !accept(resource))) return;
    const p = place(ed, ctx, scoped);
    if (p.kind === 'previous') return;
    if (p.kind === 'unusable') return void unusable.push({ reference: refOf(resource), reason: p.reason });
    const hit: CodedHit = {
      source,
      resource,
      reference: refOf(resource),
      coding,
      ...(p.date ? { date: p.date } : {}),
      ...(text ? { text } : {}),
    };
    (final ? finals : prelims).push(hit);
  };
  // The first coding in the value set among an accessor's concepts; `codedIn` lists, in
  // snapshot order, only the resources that have one, i.e. the only ones `consider` can keep.
  const first = <T extends CodedHit['resource']>(at: Concepts<T>, r: T) => codingAt(matcher, valueSetId, at, r);
  if (sources.includes('condition')) {
    for (const c of codedIn(matcher, valueSetId, CONDITION_PATHS, snapshot.ofType('Condition'))) {
      if (!isAboutPatient(c, snapshot.patientId) || !conditionUsable(c)) continue;
      consider(c, 'condition', first(codes, c), conditionDate(c, ctx.timeZone), true, c.code?.text);
    }
  }
  if (sources.includes('observation')) {
    for (const o of codedIn(matcher, valueSetId, OBSERVATION_PATHS, snapshot.ofType('Observation'))) {
      if (!isAboutPatient(o, snapshot.patientId) || (!FINAL_OBS.has(o.status) && o.status !== 'preliminary')) continue;
      if (o.valueBoolean === false || codingAt(matcher, 'finding-absent', valueConcepts, o) !== undefined) continue;
      const coding = first(valueConcepts, o) ?? first(codes, o);
      consider(
        o,
        'observation',
        coding,
        observationDate(o, ctx.timeZone),
        FINAL_OBS.has(o.status),
        o.valueCodeableConcept?.text ?? o.code?.text,
      );
    }
  }
  if (sources.includes('report')) {
    for (const r of codedIn(matcher, valueSetId, REPORT_PATHS, snapshot.ofType('DiagnosticReport'))) {
      if (!isAboutPatient(r, snapshot.patientId) || (!FINAL_REPORT.has(r.status) && r.status !== 'preliminary')) continue;
      consider(r, 'report', first(conclusionCodes, r), observationDate(r, ctx.timeZone), FINAL_REPORT.has(r.status), r.conclusion);
    }
  }
  const hits = finals.length > 0 ? finals : prelims;
  return { hits: hits.sort((a, b) => byRecency(a as RecencyKey, b as RecencyKey)), unusable };
}
