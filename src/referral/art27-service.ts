import type { Patient, Practitioner } from '@medplum/fhirtypes';
import type { ClinicalNow } from '../clock.js';
import type { PregnancyFacts } from '../clinical/finding-params.js';
import { issueNoticeLink, noticeLinkUrl, randomLinkToken } from '../engine/notice-link.js';
import type { AuditedFinding, Finding } from '../engine/rule.js';
import { emptyResult, type ServiceResult } from '../engine/service.js';
import type { StoredNotice } from '../engine/stored-notice.js';
import { escapeMarkdown } from '../render/escape.js';
import type { Locale } from '../render/messages.js';
import { ART27_RULE, buildArt27Card } from './art27-card.js';
import type { ExistingNotice } from './card-detail.js';
import { buildArt27NoticeContent } from './notice/art27-content.js';
import type { NoticeInstitution } from './notice/content-schema.js';
import { hashNoticeContent } from './notice/content.js';
import { noticeMessage } from './notice/messages.js';

export interface Art27AnswerInput {
  readonly finding: Finding;
  readonly findings: readonly Finding[];
  readonly audited: readonly AuditedFinding[];
  /** The audit facts of the call (undecided, rule errors, runs, pregnancy, practitioner, institution). */
  readonly audit: Partial<Omit<ServiceResult, 'now' | 'cards'>>;
  readonly patient: Patient;
  readonly patientId: string;
  readonly facts: PregnancyFacts;
  readonly now: ClinicalNow;
  readonly existingNotice?: ExistingNotice;
  readonly locale: Locale;
  readonly newId: () => string;
  readonly newToken?: () => string;
  readonly publicBaseUrl: string;
  readonly noticeLinkDays: number;
  readonly practitionerRef?: string;
  readonly practitioner?: Practitioner;
  readonly encounterRef?: string;
  readonly mrnSystem?: string;
  /** The issuing institution by its real name; absent when unknown. */
  readonly issuing?: NoticeInstitution;
  readonly institutionId?: string;
  /** PUBLIC_BASE_URL set: no notice without a real institution name (the card says why). */
  readonly production?: boolean;
  /** The notice on file is stored in an earlier content format: never re-linked, a new one is issued. */
  readonly noRelink?: boolean;
}

/**
 * The referral answer when `abnormal-result-notice` fired (docs/rules.md#abnormal-result-notice):
 * one Art. 27 card with the Art. 27 written notice, stored, hashed and linked like the Art. 25
 * notice; the call's other referral findings are listed on it, and no Art. 25 notice is issued
 * (prenatal diagnosis has been done). A notice Communication on file naming this rule and a stored
 * notice is re-linked, not issued again.
 */
export function art27Answer(i: Art27AnswerInput): ServiceResult {
  const latest = i.existingNotice?.latest;
  const relinked = latest && !i.noRelink && latest.rules.includes(ART27_RULE) ? latest.noticeId : undefined;
  const noticeId = relinked ?? i.newId();
  const notice = buildArt27NoticeContent({
    noticeId,
    finding: i.finding,
    facts: i.facts,
    patient: i.patient,
    now: i.now,
    ...(i.practitionerRef ? { practitionerRef: i.practitionerRef } : {}),
    ...(i.practitioner ? { practitioner: i.practitioner } : {}),
    ...(i.encounterRef ? { encounterRef: i.encounterRef } : {}),
    ...(i.mrnSystem ? { mrnSystem: i.mrnSystem } : {}),
    ...(i.issuing ? { institution: i.issuing } : {}),
  });
  const token = (i.newToken ?? randomLinkToken)();
  const card = buildArt27Card({
    finding: i.finding,
    others: i.findings.filter((f) => f !== i.finding),
    ...(i.existingNotice ? { existingNotice: i.existingNotice } : {}),
    noticeId,
    noticeUrl: noticeLinkUrl(i.publicBaseUrl, noticeId, token),
    notice,
    locale: i.locale,
    newId: i.newId,
    now: i.now,
    patientRef: `Patient/${i.patientId}`,
    ...(i.practitionerRef ? { practitionerRef: i.practitionerRef } : {}),
    ...(i.encounterRef ? { encounterRef: i.encounterRef } : {}),
  });
  if (i.production && !i.issuing && !relinked) {
    // No notice without a real institution name in production: the card says why; nothing stored or linked.
    const why = noticeMessage(i.locale, 'refusal', { why: noticeMessage(i.locale, 'refusal.issuing', { id: i.institutionId ?? '—' }) });
    const refused = { ...card, detail: `${card.detail}\n\n**${escapeMarkdown(why)}**` };
    delete (refused as { links?: unknown }).links;
    delete (refused as { suggestions?: unknown }).suggestions;
    delete (refused as { selectionBehavior?: unknown }).selectionBehavior;
    return { ...emptyResult(i.now, i.audit), cards: [{ card: refused, findings: i.audited, undecided: [] }] };
  }
  const noticeLink = issueNoticeLink({
    noticeId,
    patientId: i.patientId,
    now: i.now,
    days: i.noticeLinkDays,
    token,
    newId: i.newId,
    reissue: relinked !== undefined,
  });
  const cards = [{ card, findings: i.audited, undecided: [] }];
  if (relinked) return { ...emptyResult(i.now, i.audit), cards, noticeLink };
  const stored: StoredNotice = {
    id: noticeId,
    createdAt: i.now.instant,
    hash: hashNoticeContent(notice),
    patientId: i.patientId,
    ...(i.institutionId ? { institutionId: i.institutionId } : {}),
    content: notice,
  };
  return { ...emptyResult(i.now, i.audit), cards, noticeLink, notice: stored };
}
