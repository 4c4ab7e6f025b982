import type { DiagnosticReport, Organization, PractitionerRole, Reference } from '@medplum/fhirtypes';
import { EXTENSIONS } from '../../clinical/codes.js';
import { categories, codes, conclusionCodes } from '../../clinical/data-elements/concepts.js';
import type { Unusable } from '../../clinical/data-elements/context.js';
import { evidenceItem } from '../../clinical/data-elements/items.js';
import { codingAt } from '../../clinical/data-elements/memo.js';
import { observationDate } from '../../clinical/data-elements/resource-dates.js';
import { place } from '../../clinical/data-elements/scope.js';
import { isAboutPatient, refOf } from '../../clinical/data-elements/subject.js';
import type { AbnormalResultItem, AbnormalResultNoticeParams, PregnancyFacts } from '../../clinical/finding-params.js';
import type { Rule, RuleOutcome } from '../../engine/rule.js';
import { relativeReference } from '../../fhir/references.js';
import { fired, NOT_PREGNANT, pregnancyContext, REFERRAL_SERVICES, RULE_VERSION, type ReferralInput } from './common.js';

const CITATION = { zj: 'ZJ-2023 Art.27' } as const;

/** Report statuses of a result that has been issued (R4: `appended` and `corrected` are kinds of `amended`). */
const ISSUED = new Set(['final', 'amended', 'corrected', 'appended']);

const REPORT_AT = [categories, codes] as const;

/** How the performing institution of one report was judged. */
type PerformerCheck =
  | { readonly kind: 'diagnosis-institution'; readonly organization: string; readonly name?: string }
  | { readonly kind: 'other-institution'; readonly organization: string; readonly role?: string }
  | { readonly kind: 'unverified'; readonly reason: string };

/** The role code of an Organization's `mch-institution-role` extension, if any. */
function institutionRole(o: Organization): string | undefined {
  const ext: unknown = o.extension;
  if (!Array.isArray(ext)) return undefined;
  for (const e of ext as { url?: unknown; valueCode?: unknown }[]) {
    if (e && e.url === EXTENSIONS.mchInstitutionRole && typeof e.valueCode === 'string') return e.valueCode;
  }
  return undefined;
}

/** The Organization references a performer stands for: itself, or a PractitionerRole's organization. */
function performerOrganizations(input: ReferralInput, performer: readonly Reference[]): { refs: string[]; unresolved: string[] } {
  const refs: string[] = [];
  const unresolved: string[] = [];
  for (const p of performer) {
    const rel = relativeReference(p);
    if (rel?.startsWith('Organization/')) refs.push(rel);
    else if (rel?.startsWith('PractitionerRole/')) {
      const role = input.snapshot.byReference(rel) as PractitionerRole | undefined;
      const org = role ? relativeReference(role.organization) : undefined;
      if (org?.startsWith('Organization/')) refs.push(org);
      else unresolved.push(rel);
    }
  }
  return { refs: [...new Set(refs)], unresolved };
}

/**
 * Whether the report was issued by a prenatal-diagnosis institution (ZJ-2023 Art.27 binds 产前诊断机构):
 * the performer Organization (or the organization of a performer PractitionerRole), read from the
 * record, with `mch-institution-role` = `prenatal-diagnosis-institution`. An Organization that is
 * not in the record (not fetched, unresolved), has no role, or a report with no performer cannot be
 * verified — "could not verify", never a silent no.
 */
function checkPerformer(input: ReferralInput, r: DiagnosticReport): PerformerCheck {
  const performer = Array.isArray(r.performer) ? r.performer : [];
  const { refs, unresolved } = performerOrganizations(input, performer);
  if (refs.length === 0) {
    const what = unresolved.length > 0 ? `${unresolved.join(', ')} (organization not in the record)` : 'no performing organization';
    return { kind: 'unverified', reason: `could not verify the performing institution: ${what}` };
  }
  const reasons: string[] = [];
  let other: PerformerCheck | undefined;
  for (const ref of refs) {
    const org = input.snapshot.byReference(ref) as Organization | undefined;
    if (!org) {
      const why = input.snapshot.unresolved.find((u) => u.reference === ref)?.reason ?? 'not in the record';
      reasons.push(`${ref} (${why})`);
      continue;
    }
    const role = institutionRole(org);
    if (role === 'prenatal-diagnosis-institution') {
      return { kind: 'diagnosis-institution', organization: ref, ...(org.name ? { name: org.name } : {}) };
    }
    if (role === undefined) reasons.push(`${ref} (no institution role recorded)`);
    else other ??= { kind: 'other-institution', organization: ref, role };
  }
  if (reasons.length > 0) return { kind: 'unverified', reason: `could not verify the performing institution: ${reasons.join('; ')}` };
  return other!;
}

/**
 * `abnormal-result-notice` — a prenatal-diagnosis result shows a fetal abnormality: the Art. 27
 * written notice is due. ZJ-2023 Art.27 (「发现胎儿异常的，产前诊断机构经治医师应当将继续妊娠和终止妊娠可能
 * 出现的结果以及进一步处理意见，书面告知孕妇，由夫妻双方自行选择处理方案，并签署知情同意书」).
 *
 * Fires on a DiagnosticReport of the woman, of this pregnancy (dated on or after its first day),
 * that is a prenatal-diagnosis report (category or code in `prenatal-diagnosis-report`: karyotype,
 * chromosomal microarray, amniocentesis, CVS, cordocentesis, local `prenatal-diagnosis`), issued
 * (status final, amended, corrected, appended — never preliminary), with a conclusion code in
 * `fetal-anomaly` or `chromosomal-abnormality` (ICD-10 Q00–Q99, O35 except O35.5/O35.6; SNOMED
 * chromosomal disorders and major anomalies; + local codes), performed by a prenatal-diagnosis
 * institution (docs/rules.md#abnormal-result-notice). A report of another institution (a screening
 * institution cannot issue a diagnosis) does not fire — `fetal-anomaly` refers her for diagnosis
 * instead; a performer that cannot be verified is insufficient-data. `params.ethicsReview` is set
 * from GA ≥ ART27_ETHICS_REVIEW_GA_DAYS on the issue day.
 */
export const abnormalResultNoticeRule: Rule<PregnancyFacts> = {
  id: 'abnormal-result-notice',
  version: RULE_VERSION,
  title: { 'zh-CN': '产前诊断发现胎儿异常', en: 'Prenatal diagnosis found a fetal abnormality' },
  citation: CITATION,
  services: REFERRAL_SERVICES,
  inputs: ['prenatal-diagnosis-report', 'fetal-anomaly', 'chromosomal-abnormality'],
  evaluate(input): RuleOutcome {
    if (!input.facts.current) return NOT_PREGNANT;
    const ctx = pregnancyContext(input);
    const { matcher, snapshot } = ctx;
    const items: AbnormalResultItem[] = [];
    const unusable: Unusable[] = [];
    const reports = [...(snapshot.ofType('DiagnosticReport') as readonly DiagnosticReport[])];
    for (const r of reports) {
      if (!isAboutPatient(r, snapshot.patientId) || !ISSUED.has(r.status)) continue;
      if (!REPORT_AT.some((at) => codingAt(matcher, 'prenatal-diagnosis-report', at, r) !== undefined)) continue;
      const chromosomal = codingAt(matcher, 'chromosomal-abnormality', conclusionCodes, r);
      const coding = chromosomal ?? codingAt(matcher, 'fetal-anomaly', conclusionCodes, r);
      if (!coding) continue;
      const p = place(observationDate(r, ctx.timeZone), ctx, true);
      if (p.kind === 'previous') continue;
      if (p.kind === 'unusable') {
        unusable.push({ reference: refOf(r), reason: p.reason });
        continue;
      }
      const performer = checkPerformer(input, r);
      if (performer.kind === 'unverified') {
        unusable.push({ reference: refOf(r), reason: performer.reason });
        continue;
      }
      if (performer.kind === 'other-institution') continue;
      items.push({
        ...evidenceItem(refOf(r), { date: p.date, code: coding, text: r.conclusion }),
        kind: chromosomal ? 'chromosomal' : 'structural',
        performer: performer.organization,
        ...(performer.name ? { performerName: performer.name } : {}),
      });
    }
    if (items.length === 0) {
      if (unusable.length === 0) return { status: 'not-fired' };
      return {
        status: 'insufficient-data',
        reason: unusable.map((u) => `${u.reference}: ${u.reason}`).join('; '),
        evidence: [...new Set(unusable.map((u) => u.reference))],
        params: { unusable },
      };
    }
    items.sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
    const gaDays = input.facts.gaDays;
    const threshold = input.policy.ART27_ETHICS_REVIEW_GA_DAYS;
    const params: AbnormalResultNoticeParams = {
      kinds: [...new Set(items.map((i) => i.kind))],
      ethicsReview: gaDays !== undefined && gaDays >= threshold,
      ethicsReviewGaDays: threshold,
      ...(gaDays !== undefined ? { gaDays } : {}),
      items,
    };
    return fired('abnormal-result-notice', CITATION, params, [...new Set(items.map((i) => i.performer))]);
  },
};
