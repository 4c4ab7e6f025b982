import { createHash } from 'node:crypto';
import type { Patient, Practitioner } from '@medplum/fhirtypes';
import { jcs } from '../../canonical-json.js';
import type { ClinicalNow } from '../../clock.js';
import type { PregnancyFacts } from '../../clinical/finding-params.js';
import { DEFAULT_POLICY, type Policy } from '../../clinical/policy.js';
import type { Finding } from '../../engine/rule.js';
import { isolate } from '../../render/isolate.js';
import { LOCALES, type Locale } from '../../render/messages.js';
import type { Art25Content, Art25Texts, NoticeHeader, NoticeInstitution, NoticeTiming } from './content-schema.js';
import { noticeMessage as nm } from './messages.js';
import { noticeTiming, timingParagraphs } from './timing.js';
import { fullYearsBetween, patientDisplayName, practitionerDisplayName, recordNumber } from './woman.js';
import { womanFinding } from './woman-text.js';
import { dateWords, provincialArticles, provincialLaw } from './words.js';

export type { NoticeContent } from './content-schema.js';

/** What every notice template's header is built from (docs/design.md#written-notice). */
export interface NoticeHeaderInput {
  readonly noticeId: string;
  readonly facts: PregnancyFacts;
  readonly patient: Patient;
  readonly now: ClinicalNow;
  /** The user's `Practitioner/…` or `PractitionerRole/…` reference, and her Practitioner (its name is printed). */
  readonly practitionerRef?: string;
  readonly practitioner?: Practitioner;
  readonly encounterRef?: string;
  /**
   * The institution issuing the notice, by its real name; `undefined` when no name is known — the
   * service then refuses to issue in production (service.ts) and the page leaves a line to write on.
   */
  readonly institution?: NoticeInstitution;
  /** MRN_SYSTEM: the Patient.identifier system of her record number. */
  readonly mrnSystem?: string;
  /** Ages in full years if the caller has them; otherwise derived from Patient.birthDate here. */
  readonly ages?: { readonly now?: number; readonly atEdd?: number };
}

export interface NoticeContentInput extends NoticeHeaderInput {
  readonly findings: readonly Finding[];
  readonly policy: Policy;
  /** The partner prenatal-diagnosis institution; the policy's when it has a real name, when absent. */
  readonly referralInstitution?: NoticeInstitution;
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The header every template shares: the same identity, record number, physician and ages on every notice. */
export function noticeHeader(input: NoticeHeaderInput): NoticeHeader {
  const { patient, facts, now } = input;
  if (!patient.id) throw new Error('noticeHeader: Patient.id is required');
  const birthDate = patient.birthDate;
  const edd = facts.edd?.date;
  return dropUndefined({
    schemaVersion: 2 as const,
    noticeId: input.noticeId,
    issuedAt: now.instant,
    issuedOn: now.today,
    patientId: patient.id,
    recordNumber: recordNumber(patient, input.mrnSystem),
    physician: dropUndefined({ reference: input.practitionerRef, name: practitionerDisplayName(input.practitioner) }),
    encounter: input.encounterRef,
    institution: input.institution ? dropUndefined({ ...input.institution }) : undefined,
    woman: dropUndefined({
      name: patientDisplayName(patient),
      birthDate,
      ageYears: input.ages?.now ?? fullYearsBetween(birthDate, now.today),
      ageAtEddYears: input.ages?.atEdd ?? fullYearsBetween(birthDate, edd),
    }),
    pregnancy: dropUndefined({ edd, eddSource: facts.edd?.source, lmp: facts.lmp, ga: facts.ga, gaDays: facts.gaDays }),
    languages: [...LOCALES],
  });
}

/** The policy's default institution names: wording for "not configured", never printed as a name. */
const POLICY_PLACEHOLDERS: ReadonlySet<string> = new Set([DEFAULT_POLICY.institution.name, DEFAULT_POLICY.referralInstitution.name]);

/** A policy institution when it has a real name (not the policy's default wording); `undefined` otherwise. */
export function namedInstitution(i: Policy['institution']): NoticeInstitution | undefined {
  if (POLICY_PLACEHOLDERS.has(i.name)) return undefined;
  return dropUndefined({ id: i.id, name: i.name, address: i.address, phone: i.phone });
}

/** Whether any finding rests on Art. 24 (the five indications) rather than only on screening (Art. 9, 23). */
function hasIndication(findings: readonly Finding[]): boolean {
  return findings.some((f) => provincialArticles(f.citation).includes(24));
}

function art25Texts(input: NoticeContentInput, timing: NoticeTiming, l: Locale): Art25Texts {
  const law = provincialLaw(l);
  const { comeBackBy } = timing;
  const named = (input.referralInstitution ?? namedInstitution(input.policy.referralInstitution))?.name;
  const institution = named ? isolate(named) : nm(l, 'choices.institution.unnamed');
  const paragraphs = timingParagraphs(timing, input.now.today, input.policy, l);
  return {
    indications: input.findings.map((f) => womanFinding(f, input.policy, l)),
    legalBasis: nm(l, 'notice.legalBasis', { law }),
    recommendation: nm(l, hasIndication(input.findings) ? 'notice.recommendation.indication' : 'notice.recommendation.screening'),
    about: [nm(l, 'notice.about.what'), nm(l, 'notice.about.procedures'), nm(l, 'notice.about.risk'), nm(l, 'notice.about.limits')],
    timing: paragraphs,
    declining: [nm(l, 'declining.what'), nm(l, 'declining.care'), nm(l, 'declining.change')],
    choice: nm(l, 'choice', { law }),
    choices: {
      accept: nm(l, 'choices.accept', { institution }),
      decline: nm(l, 'choices.decline'),
      postponed: nm(l, 'choices.postponed', { comeBackBy: dateWords(comeBackBy, l) ?? comeBackBy }),
    },
  };
}

/**
 * Builds the Art. 25 written notice (ZJ-2023 Art.25; PDM Art.20) as pure data at card time: the
 * shared header, each finding in the physician's register (rule, citation, evidence references,
 * params) and, per locale, in the woman's (plain words, the legal basis written out), the
 * recommendation (Art. 24 indications, or screening only), what prenatal diagnosis involves, the
 * timing against the procedure windows, what declining means, the Art. 22 informed choice and the
 * three choices. Deterministic: the same input gives the same content (and hash).
 */
export function buildNoticeContent(input: NoticeContentInput): Art25Content {
  const referral = input.referralInstitution ?? namedInstitution(input.policy.referralInstitution);
  const header = noticeHeader(input);
  const timing = noticeTiming(input.facts.gaDays, input.now.today, input.policy);
  const texts = Object.fromEntries(LOCALES.map((l) => [l, art25Texts(input, timing, l)])) as Record<Locale, Art25Texts>;
  return {
    ...header,
    template: 'art25',
    ...(referral ? { referralInstitution: dropUndefined({ ...referral }) } : {}),
    rules: [...new Set(input.findings.map((f) => f.rule))],
    indications: input.findings.map((f) => ({ rule: f.rule, citation: f.citation, evidence: [...f.evidence], params: { ...f.params } })),
    timing,
    texts,
  };
}

/**
 * SHA-256 (hex) of the notice content in RFC 8785 canonical form (JCS, src/canonical-json.ts):
 * recomputable from the stored content with `prenatal-cds notice-hash` (README#written-notice).
 */
export function hashNoticeContent(content: unknown): string {
  return createHash('sha256').update(jcs(content), 'utf8').digest('hex');
}
