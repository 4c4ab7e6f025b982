import type { Coding, DiagnosticReport, Observation, Procedure, Resource, ServiceRequest } from '@medplum/fhirtypes';
import { fromDayNumber, parseFhirDate } from '../../calendar/index.js';
import { pregnancyEnds } from '../pregnancy/pregnancy-end.js';
import type { ReadContext } from './context.js';
import { categories, codes, interpretations, valueConcepts, type Concepts } from './concepts.js';
import { codedIn, codingAt } from './memo.js';
import { ISSUED_REPORT_STATUSES } from './prenatal-diagnosis-report.js';
import { textCall } from './result-text.js';
import { isAboutPatient, refOf } from './subject.js';

/**
 * What a hook call observes of the follow-up of an indication (docs/design.md#follow-up), read from
 * the snapshot whatever the pregnancy (a delivery is seen after the pregnancy ended): the referral,
 * the invasive procedure, its result, an NIPT result and the outcome. Each event keeps its date as
 * the record gives it (`on`, possibly partial) and the first clinic day it can denote (`day`); an
 * undated record is left out (it cannot be placed in a pregnancy).
 */
export const FOLLOW_UP_KINDS = ['referral', 'procedure', 'result', 'nipt-high-risk', 'nipt-low-risk', 'outcome'] as const;
export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];

export interface FollowUpEvent {
  readonly kind: FollowUpKind;
  /** `Type/id` of the record. */
  readonly reference: string;
  /** The record's date as given (FHIR date or dateTime, may be partial). */
  readonly on: string;
  /** The first calendar day `on` can denote (YYYY-MM-DD; an instant's day in CLINIC_TIMEZONE). */
  readonly day: string;
  /** The code that made it this kind (the matching coding's code), when a code did. */
  readonly code?: string;
  /** `amniocentesis` | `cvs` | `cordocentesis`; `karyotype` | `chromosomal-microarray` | `cnv-seq`; `delivery` | `termination` | `loss`. */
  readonly detail?: string;
  /** The performing Organization's id (NIPT: the screening institution), when the record names one. */
  readonly institution?: string;
}

const SR_AT: Concepts<ServiceRequest> = (r) => [...(r.code ? [r.code] : []), ...(r.category ?? [])];
const REFERRAL_AT = [SR_AT] as const;
const REPORT_AT = [categories, codes] as const;
const OBS_CODE = [codes] as const;
const FINAL_OBS: ReadonlySet<string> = new Set(['final', 'amended', 'corrected']);

/** Chinese and English names of the three procedures, for records coded only in local text. */
const PROCEDURE_TEXT: readonly (readonly [string, RegExp])[] = [
  ['amniocentesis', /羊膜腔穿刺|羊水穿刺|amniocentesis/i],
  ['cvs', /绒毛(?:膜)?(?:取样|活检|穿刺)|chorionic villus/i],
  ['cordocentesis', /脐(?:带)?(?:血|静脉)穿刺|cordocentesis|umbilical (?:cord )?blood sampling/i],
];
const PROCEDURE_CODES: Readonly<Record<string, string>> = {
  '34536000': 'amniocentesis',
  amniocentesis: 'amniocentesis',
  cvs: 'cvs',
  cordocentesis: 'cordocentesis',
};
const RESULT_TEXT: readonly (readonly [string, RegExp])[] = [
  ['cnv-seq', /CNV[\s-]*seq|拷贝数变异/i],
  ['chromosomal-microarray', /微阵列|chromosomal microarray|\bCMA\b/i],
  ['karyotype', /核型|karyotyp/i],
];
/** ICD-10 and SNOMED CT codes of a termination or a loss; any other pregnancy end is a delivery. */
const TERMINATION = /^(?:O04|57797005$|714812005$)/;
const LOSS = /^(?:O0[0-3]|O0[5-8]|17369002$|237364002$)/;

const texts = (r: { code?: { text?: string; coding?: Coding[] } }): string =>
  [r.code?.text, ...(r.code?.coding ?? []).map((c) => c.display)].filter((t) => typeof t === 'string').join(' ');
const firstMatch = (table: readonly (readonly [string, RegExp])[], s: string): string | undefined =>
  table.find(([, re]) => re.test(s))?.[0];
const organization = (refs: readonly { reference?: string }[] | undefined): string | undefined =>
  refs
    ?.map((p) => p.reference)
    .find((r): r is string => typeof r === 'string' && r.startsWith('Organization/'))
    ?.slice('Organization/'.length);

/** The follow-up events of the woman's record, in snapshot order per kind. */
export function followUpEvents(ctx: ReadContext): FollowUpEvent[] {
  const { snapshot, matcher, timeZone } = ctx;
  const out: FollowUpEvent[] = [];
  const add = (kind: FollowUpKind, r: Resource, raw: unknown, extra: Omit<FollowUpEvent, 'kind' | 'reference' | 'on' | 'day'> = {}) => {
    const d = parseFhirDate(raw, timeZone);
    if (d) out.push({ kind, reference: refOf(r), on: d.raw, day: fromDayNumber(d.first), ...compactExtra(extra) });
  };
  for (const s of codedIn(matcher, 'prenatal-diagnosis-referral', REFERRAL_AT, snapshot.ofType('ServiceRequest'))) {
    if (!isAboutPatient(s, snapshot.patientId) || (s.status !== 'active' && s.status !== 'completed')) continue;
    add('referral', s, s.authoredOn ?? s.occurrenceDateTime ?? s.occurrencePeriod?.start, {
      code: codingAt(matcher, 'prenatal-diagnosis-referral', SR_AT, s)?.code,
      institution: organization(s.performer),
    });
  }
  for (const p of snapshot.ofType('Procedure')) {
    if (!isAboutPatient(p, snapshot.patientId) || p.status !== 'completed') continue;
    const coding = codingAt(matcher, 'prenatal-diagnosis-procedure', codes, p);
    const detail = procedureKind(coding, texts(p));
    if (!coding && !detail) continue;
    add('procedure', p, p.performedDateTime ?? p.performedPeriod?.start ?? p.performedPeriod?.end, {
      code: coding?.code,
      detail,
      institution: organization((p.performer ?? []).map((x) => x.onBehalfOf ?? x.actor)),
    });
  }
  for (const r of codedIn(matcher, 'prenatal-diagnosis-report', REPORT_AT, snapshot.ofType('DiagnosticReport'))) {
    if (!isAboutPatient(r, snapshot.patientId) || !ISSUED_REPORT_STATUSES.has(r.status)) continue;
    add('result', r, reportDate(r), resultFacts(matcher, r, REPORT_AT));
  }
  for (const o of codedIn(matcher, 'prenatal-diagnosis-report', OBS_CODE, snapshot.ofType('Observation'))) {
    if (!isAboutPatient(o, snapshot.patientId) || !FINAL_OBS.has(o.status)) continue;
    add('result', o, reportDate(o), resultFacts(matcher, o, OBS_CODE));
  }
  for (const o of codedIn(matcher, 'screening-nipt', OBS_CODE, snapshot.ofType('Observation'))) {
    if (!isAboutPatient(o, snapshot.patientId) || !FINAL_OBS.has(o.status)) continue;
    const call = niptCall(ctx, o);
    if (call)
      add(call, o, reportDate(o), { code: codingAt(matcher, 'screening-nipt', codes, o)?.code, institution: organization(o.performer) });
  }
  for (const end of pregnancyEnds(ctx)) {
    const r = snapshot.byReference(end.reference);
    const code = r ? endCode(ctx, r) : undefined;
    out.push({
      kind: 'outcome',
      reference: end.reference,
      on: (r && endDate(r)) ?? fromDayNumber(end.first),
      day: fromDayNumber(end.first),
      ...compactExtra({ code, detail: code === undefined ? undefined : outcomeKind(code) }),
    });
  }
  return out;
}

function compactExtra(
  e: Omit<FollowUpEvent, 'kind' | 'reference' | 'on' | 'day'>,
): Omit<FollowUpEvent, 'kind' | 'reference' | 'on' | 'day'> {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined));
}

function procedureKind(coding: Coding | undefined, text: string): string | undefined {
  const byCode = coding?.code === undefined ? undefined : PROCEDURE_CODES[coding.code];
  if (byCode) return byCode;
  if (coding?.code?.startsWith('75.1')) return 'amniocentesis';
  return firstMatch(PROCEDURE_TEXT, text);
}

function resultFacts<T extends DiagnosticReport | Observation>(
  matcher: ReadContext['matcher'],
  r: T,
  at: readonly Concepts<T>[],
): Omit<FollowUpEvent, 'kind' | 'reference' | 'on' | 'day'> {
  const coding = at.map((a) => codingAt(matcher, 'prenatal-diagnosis-report', a, r)).find((c) => c !== undefined);
  const byCode = coding?.code === 'karyotype' || coding?.code === 'chromosomal-microarray' ? coding.code : undefined;
  return { code: coding?.code, detail: byCode ?? firstMatch(RESULT_TEXT, texts(r)), institution: organization(r.performer) };
}

function reportDate(r: DiagnosticReport | Observation): unknown {
  return r.effectiveDateTime ?? r.effectivePeriod?.end ?? r.effectivePeriod?.start ?? r.issued;
}

/**
 * The lab's call of an NIPT result: the codes (`high-risk-interpretation`, `low-risk-interpretation`
 * on interpretation and coded value) and the negation-aware wording of the value and concept texts
 * (./result-text.ts) must say one thing, high or low. High and low together, intermediate, or
 * nothing said: no event.
 */
function niptCall(ctx: ReadContext, o: Observation): 'nipt-high-risk' | 'nipt-low-risk' | undefined {
  const concepts = [...interpretations(o), ...valueConcepts(o)];
  const high = concepts.some((c) => ctx.matcher.inValueSet('high-risk-interpretation', c));
  const low = concepts.some((c) => ctx.matcher.inValueSet('low-risk-interpretation', c));
  const said = new Set([o.valueString, ...concepts.map((c) => c.text)].map(textCall).filter((c) => c !== undefined));
  if (high) said.add('high');
  if (low) said.add('low');
  if (said.size !== 1) return undefined;
  return said.has('high') ? 'nipt-high-risk' : said.has('low') ? 'nipt-low-risk' : undefined;
}

/** The code that made a Condition or Procedure a pregnancy end (an EpisodeOfCare has none). */
function endCode(ctx: ReadContext, r: Resource): string | undefined {
  if (r.resourceType !== 'Condition' && r.resourceType !== 'Procedure') return undefined;
  return codingAt(ctx.matcher, 'pregnancy-end', codes, r as Procedure)?.code;
}

function endDate(r: Resource): string | undefined {
  if (r.resourceType === 'Condition') return r.onsetDateTime ?? r.onsetPeriod?.start ?? r.recordedDate;
  if (r.resourceType === 'Procedure') return r.performedDateTime ?? r.performedPeriod?.end ?? r.performedPeriod?.start;
  if (r.resourceType === 'EpisodeOfCare') return r.period?.end;
  return undefined;
}

function outcomeKind(code: string): string {
  const c = code.replace(/\./g, '').toUpperCase();
  if (TERMINATION.test(c)) return 'termination';
  if (LOSS.test(c)) return 'loss';
  return 'delivery';
}
