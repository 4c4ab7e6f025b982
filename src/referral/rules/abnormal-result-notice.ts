import type { DiagnosticReport, Organization } from '@medplum/fhirtypes';
import { EXTENSIONS } from '../../clinical/codes.js';
import type { Unusable } from '../../clinical/data-elements/context.js';
import { evidenceItem } from '../../clinical/data-elements/items.js';
import { abnormalDiagnosisConclusion } from '../../clinical/data-elements/prenatal-diagnosis-report.js';
import { observationDate } from '../../clinical/data-elements/resource-dates.js';
import { place } from '../../clinical/data-elements/scope.js';
import { isAboutPatient, refOf } from '../../clinical/data-elements/subject.js';
import type { AbnormalResultItem, AbnormalResultNoticeParams } from '../../clinical/finding-params.js';
import type { Rule, RuleInput, RuleOutcome } from '../../engine/rule.js';
import { performerOrganizationRefs, type ReferralFacts } from '../performer-institutions.js';
import { fired, NOT_PREGNANT, pregnancyContext, REFERRAL_SERVICES, RULE_VERSION } from './common.js';

const CITATION = { zj: 'ZJ-2023 Art.27' } as const;

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

/**
 * The role of one performer Organization, and why when unknown: from `facts.performers` (the
 * registry and the record in CERTIFICATE_SOURCE_ORDER, loaded before the rules run) when loaded,
 * else the record's Organization alone.
 */
function roleOf(input: RuleInput<ReferralFacts>, ref: string): { role?: string; name?: string; why?: string } {
  const org = input.snapshot.byReference(ref) as Organization | undefined;
  const loaded = input.facts.performers?.get(ref);
  if (loaded) {
    const name = org?.name ?? loaded.name;
    if (loaded.role === 'unknown') return { why: loaded.unverified ?? 'not in the record' };
    if (loaded.role === 'none') return { why: 'no institution role recorded' };
    return { role: loaded.role, ...(name ? { name } : {}) };
  }
  if (!org) return { why: input.snapshot.unresolved.find((u) => u.reference === ref)?.reason ?? 'not in the record' };
  const role = institutionRole(org);
  return role === undefined ? { why: 'no institution role recorded' } : { role, ...(org.name ? { name: org.name } : {}) };
}

/**
 * Whether the report was issued by a prenatal-diagnosis institution (ZJ-2023 Art.27 binds 产前诊断机构):
 * the performer Organization (or the organization of a performer PractitionerRole) whose institution
 * role — in the provincial registry or the record's `mch-institution-role` — is
 * `prenatal-diagnosis-institution`. An Organization no source knows (not in the record, not fetched,
 * not in the registry), one with no role, or a report with no performer cannot be verified —
 * "could not verify", never a silent no.
 */
function checkPerformer(input: RuleInput<ReferralFacts>, r: DiagnosticReport): PerformerCheck {
  const { organizations, roles } = performerOrganizationRefs(input.snapshot, r);
  if (organizations.length === 0) {
    const unread = roles.map((ref) => {
      const why = input.snapshot.unresolved.find((u) => u.reference === ref)?.reason;
      return why ? `${ref} (${why})` : ref;
    });
    const what = unread.length > 0 ? `${unread.join(', ')} (organization not in the record)` : 'no performing organization';
    return { kind: 'unverified', reason: `could not verify the performing institution: ${what}` };
  }
  const reasons: string[] = [];
  let other: PerformerCheck | undefined;
  for (const ref of organizations) {
    const { role, name, why } = roleOf(input, ref);
    if (role === 'prenatal-diagnosis-institution') return { kind: 'diagnosis-institution', organization: ref, ...(name ? { name } : {}) };
    if (role === undefined) reasons.push(`${ref} (${why ?? 'not in the record'})`);
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
 * institution — as the provincial registry or the record's Organization says (`facts.performers`,
 * loaded before the rules run; without them, the record alone)
 * (docs/rules.md#abnormal-result-notice). A report of another institution (a screening
 * institution cannot issue a diagnosis) does not fire — `fetal-anomaly` refers her for diagnosis
 * instead; a performer that cannot be verified is insufficient-data. `params.ethicsReview` is set
 * from GA ≥ ART27_ETHICS_REVIEW_GA_DAYS on the issue day.
 */
export const abnormalResultNoticeRule: Rule<ReferralFacts> = {
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
      if (!isAboutPatient(r, snapshot.patientId)) continue;
      const conclusion = abnormalDiagnosisConclusion(matcher, r);
      if (!conclusion) continue;
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
        ...evidenceItem(refOf(r), { date: p.date, code: conclusion.coding, text: r.conclusion }),
        kind: conclusion.kind,
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
