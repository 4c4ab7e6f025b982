import { createHash } from 'node:crypto';
import type { Patient } from '@medplum/fhirtypes';
import { canonicalJson } from '../../canonical-json.js';
import type { ClinicalNow } from '../../clock.js';
import type { PregnancyFacts } from '../../clinical/finding-params.js';
import type { Policy } from '../../clinical/policy.js';
import type { Finding } from '../../engine/rule.js';
import { describeFinding } from '../finding-text.js';
import { LOCALES, message, type Locale } from '../../render/messages.js';
import type { NoticeContent, NoticeInstitution, NoticeLocaleTexts } from './content-schema.js';
import { fullYearsBetween, patientDisplayName } from './woman.js';

export type { NoticeContent } from './content-schema.js';

/** Articles the written notice rests on: Art. 22 (informed, voluntary choice), 24, 25. */
export const NOTICE_CITATION = 'ZJ-2023 Art.22, Art.24, Art.25; PDM Art.17, Art.20';

export interface NoticeContentInput {
  readonly noticeId: string;
  readonly findings: readonly Finding[];
  readonly facts: PregnancyFacts;
  readonly patient: Patient;
  readonly policy: Policy;
  readonly now: ClinicalNow;
  readonly practitionerRef?: string;
  readonly encounterRef?: string;
  /** The institution issuing the notice, from the call (docs/design.md#institution); the policy's when absent. */
  readonly institution?: NoticeInstitution;
  /** Ages in full years if the caller has them; otherwise derived from Patient.birthDate here. */
  readonly ages?: { readonly now?: number; readonly atEdd?: number };
}

function institutionOf(i: Policy['institution']): NoticeInstitution {
  return dropUndefined({ id: i.id, name: i.name, address: i.address, phone: i.phone });
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function localeTexts(findings: readonly Finding[], locale: Locale): NoticeLocaleTexts {
  return {
    indications: findings.map((f) => {
      const t = describeFinding(f, locale);
      return { rule: t.rule, label: t.label, sentence: t.sentence, citation: t.citation, evidence: [...t.evidence] };
    }),
    recommendation: message(locale, 'notice.recommendation'),
    about: [
      message(locale, 'notice.about.what'),
      message(locale, 'notice.about.procedures'),
      message(locale, 'notice.about.risk'),
      message(locale, 'notice.about.limits'),
    ],
    choice: message(locale, 'notice.choice'),
    legalBasis: NOTICE_CITATION,
  };
}

/**
 * Builds the written notice (ZJ-2023 Art.25; PDM Art.20) as pure data at card time: issuing
 * institution, the woman (name, age now and at the EDD), GA and EDD, each indication with its
 * evidence and legal basis, recommendation, what prenatal diagnosis involves, Art. 22 informed and
 * voluntary choice, where to go (policy.referralInstitution), issue date and notice id.
 * Deterministic: the same input gives the same content (and hash).
 */
export function buildNoticeContent(input: NoticeContentInput): NoticeContent {
  const { patient, facts, now, policy, findings } = input;
  if (!patient.id) throw new Error('buildNoticeContent: Patient.id is required');
  const birthDate = patient.birthDate;
  const edd = facts.edd?.date;
  const texts = Object.fromEntries(LOCALES.map((l) => [l, localeTexts(findings, l)])) as Record<Locale, NoticeLocaleTexts>;
  return dropUndefined({
    schemaVersion: 1 as const,
    noticeId: input.noticeId,
    issuedAt: now.instant,
    issuedOn: now.today,
    patientId: patient.id,
    practitioner: input.practitionerRef,
    encounter: input.encounterRef,
    institution: input.institution ?? institutionOf(policy.institution),
    referralInstitution: institutionOf(policy.referralInstitution),
    woman: dropUndefined({
      name: patientDisplayName(patient),
      birthDate,
      ageYears: input.ages?.now ?? fullYearsBetween(birthDate, now.today),
      ageAtEddYears: input.ages?.atEdd ?? fullYearsBetween(birthDate, edd),
    }),
    pregnancy: dropUndefined({ edd, eddSource: facts.edd?.source, lmp: facts.lmp, ga: facts.ga, gaDays: facts.gaDays }),
    rules: [...new Set(findings.map((f) => f.rule))],
    indications: findings.map((f) => ({ rule: f.rule, citation: f.citation, evidence: [...f.evidence], params: { ...f.params } })),
    texts,
  });
}

/** SHA-256 (hex) of the canonical JSON of the notice content: independent of key order. */
export function hashNoticeContent(content: unknown): string {
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}
