import type { Patient } from '@medplum/fhirtypes';
import type { Card, Suggestion } from '../cds-hooks/card-schema.js';
import type { ClinicalNow } from '../clock.js';
import { SYSTEMS } from '../clinical/codes.js';
import type { PregnancyFacts } from '../clinical/finding-params.js';
import type { Policy } from '../clinical/policy.js';
import type { Finding } from '../engine/rule.js';
import type { NoticeContent } from './notice/content-schema.js';
import { ageText, noticePlainText } from './notice/text.js';
import { listText, ruleLabel } from './finding-text.js';
import { findingsExtension, overrideReasons } from '../render/card-kit.js';
import { message, type Locale, type MessageKey } from '../render/messages.js';
import { referralDetail, referralSummary, type ExistingNotice } from './card-detail.js';
import { noticeCommunication, referralServiceRequest } from './card-resources.js';

/** `source.label` of every card of this service. */
export const CARD_SOURCE_LABEL = 'prenatal-cds · 浙卫发〔2023〕9号';
export const OVERRIDE_REASON_CODES = [
  'already-referred',
  'declined-after-counselling',
  'data-incorrect',
  'not-currently-pregnant',
] as const;
/** Citations of the notice paragraph (Art. 25; Art. 22 for informed, voluntary choice). */
const NOTICE_CITATION = 'ZJ-2023 Art.25; PDM Art.20';
const CHOICE_CITATION = 'ZJ-2023 Art.22';

export interface ReferralCardInput {
  readonly findings: readonly Finding[];
  readonly facts: PregnancyFacts;
  readonly patient: Patient;
  /** The notice Communication already on file for this pregnancy, if any. */
  readonly existingNotice?: ExistingNotice;
  readonly noticeId: string;
  /** Absolute URL of the printable notice (`GET /notices/{noticeId}`). */
  readonly noticeUrl: string;
  readonly locale: Locale;
  readonly newId: () => string;
  readonly policy: Policy;
  readonly now: ClinicalNow;
  readonly practitionerRef?: string;
  readonly encounterRef?: string;
  /** The notice content the caller stores under `noticeId` (built once, by the referral service). */
  readonly notice: NoticeContent;
  /** Why no notice is issued (production, an institution without a known name): no notice suggestion or link, the reason in the detail. */
  readonly noticeRefusal?: string;
}

/** The print link; `lang=en` is added for English cards (the page defaults to zh-CN). */
function noticeLink(url: string, locale: Locale): string {
  if (locale !== 'en') return url;
  const u = new URL(url);
  if (!u.searchParams.has('lang')) u.searchParams.set('lang', 'en');
  return u.toString();
}

/**
 * The prenatal-diagnosis referral card (docs/rules.md#referral, docs/design.md#written-notice): one card listing every
 * referral finding with evidence, dates and citations; `warning`, or `info` when `existingNotice`
 * covers every current rule. Suggestions: (a) draft referral ServiceRequest, (b) the notice
 * Communication (omitted when the notice on file already covers everything). `undefined` when there
 * are no findings. Pure: ids from `newId`, time from `now`.
 */
export function buildReferralCard(input: ReferralCardInput): Card | undefined {
  const { findings, locale: l, existingNotice: existing, newId, now } = input;
  if (findings.length === 0) return undefined;
  if (!input.patient.id) throw new Error('buildReferralCard: Patient.id is required');
  const patientRef = `Patient/${input.patient.id}`;
  const notice = input.notice;
  const rules = [...new Set(findings.map((f) => f.rule as string))];
  const uncovered = existing ? rules.filter((r) => !existing.rules.includes(r)) : rules;
  const covered = !!existing && uncovered.length === 0;
  const refs = { practitionerRef: input.practitionerRef, encounterRef: input.encounterRef };

  const cardId = newId();
  const referralSuggestionId = newId();
  const referralIdentifier = newId();
  const suggestions: Suggestion[] = [
    {
      label: message(l, 'suggestion.referral', { institution: input.policy.referralInstitution.name }),
      uuid: referralSuggestionId,
      isRecommended: !covered,
      actions: [
        {
          type: 'create',
          description: message(l, 'action.referral'),
          resource: {
            ...referralServiceRequest({
              identifier: referralIdentifier,
              patientRef,
              evidence: [...new Set(findings.flatMap((f) => f.evidence))],
              reasonText: listText(
                rules.map((r) => ruleLabel(r, l)),
                l,
              ),
              text: message(l, 'resource.referral.text'),
              policy: input.policy,
              now,
              ...refs,
            }),
          },
        },
      ],
    },
  ];
  if (!covered && !input.noticeRefusal) {
    suggestions.push({
      label: message(l, 'suggestion.notice'),
      uuid: newId(),
      isRecommended: true,
      actions: [
        {
          type: 'create',
          description: message(l, 'action.notice'),
          resource: {
            ...noticeCommunication({
              noticeId: input.noticeId,
              noticeUrl: noticeLink(input.noticeUrl, l),
              rules,
              referralIdentifier,
              patientRef,
              contentString: noticePlainText(notice, l),
              text: message(l, 'resource.notice.text'),
              attachmentTitle: message(l, 'resource.notice.attachment'),
              now,
              ...refs,
            }),
          },
        },
      ],
    });
  }

  return {
    uuid: cardId,
    summary: referralSummary(rules, uncovered, existing, l),
    detail: `${referralDetail({
      findings,
      facts: input.facts,
      uncovered,
      existing,
      name: notice.woman.name,
      age: ageText(notice.woman.ageYears, l),
      ageAtEdd: ageText(notice.woman.ageAtEddYears, l),
      noticeCitation: NOTICE_CITATION,
      choiceCitation: CHOICE_CITATION,
      locale: l,
    })}${input.noticeRefusal ? `\n\n**${input.noticeRefusal}**` : ''}`,
    indicator: covered ? 'info' : 'warning',
    source: {
      label: CARD_SOURCE_LABEL,
      topic: { system: SYSTEMS.prenatalOrder, code: 'prenatal-diagnosis-referral', display: message(l, 'card.topic') },
    },
    suggestions,
    selectionBehavior: 'any',
    overrideReasons: overrideReasons(OVERRIDE_REASON_CODES, new Set(OVERRIDE_REASON_CODES), (code) =>
      message(l, `override.${code}` as MessageKey),
    ),
    ...(input.noticeRefusal
      ? {}
      : { links: [{ label: message(l, 'link.notice'), url: noticeLink(input.noticeUrl, l), type: 'absolute' as const }] }),
    extension: findingsExtension(findings),
  };
}
