import type { Locale } from '../render/messages.js';
import { buildReferralCard } from './card.js';
import { evaluateReferral } from './evaluate.js';
import type { Policy } from '../clinical/policy.js';
import { buildNoticeContent, hashNoticeContent } from './notice/content.js';
import type { ServiceHandler, StoredNotice } from '../ports.js';
import { existingNoticeFor } from './existing-notice.js';

export interface ReferralServiceDeps {
  readonly policy: Policy;
  readonly locale: Locale;
  /** Unguessable ids (notice ids are capabilities to a printable page): crypto.randomUUID in production. */
  readonly newId: () => string;
  /** PUBLIC_BASE_URL without trailing slash; the notice link is `${publicBaseUrl}/notices/{id}`. */
  readonly publicBaseUrl: string;
}

function idOf(reference: string | undefined, type: string): string | undefined {
  const m = reference ? new RegExp(`(?:^|/)${type}/([^/]+)$`).exec(reference) : null;
  return m?.[1];
}

/**
 * `prenatal-diagnosis-referral` (patient-view) and `…-encounter` (encounter-start): Art. 24 and
 * screening findings for the current pregnancy → one referral card carrying the Art. 25 written
 * notice, whose content is fixed now and returned for storage with its hash. No current pregnancy
 * or no finding → `cards: []`.
 */
export function createReferralService(deps: ReferralServiceDeps): ServiceHandler {
  return ({ snapshot, now }) => {
    const evaluation = evaluateReferral(snapshot, deps.policy, now);
    const { facts, findings, errors } = evaluation;
    const ruleErrors = errors.map((e) => ({ rule: e.rule, cause: e.cause }));
    const practitionerId = idOf(snapshot.userId, 'Practitioner');
    const audit = { pregnancyKey: facts.pregnancyKey, practitionerId, institutionId: deps.policy.institution.id };
    if (!facts.current || findings.length === 0 || !snapshot.patient) {
      return { response: { cards: [] }, findings: [], ruleErrors, audit };
    }
    const noticeId = deps.newId();
    const practitionerRef = snapshot.userId?.startsWith('Practitioner/') || snapshot.userId?.startsWith('PractitionerRole/') ? snapshot.userId : undefined;
    const encounterRef = snapshot.encounterId ? `Encounter/${snapshot.encounterId}` : undefined;
    const notice = buildNoticeContent({ noticeId, findings, facts, patient: snapshot.patient, policy: deps.policy, now, practitionerRef, encounterRef });
    const card = buildReferralCard({
      findings, facts, patient: snapshot.patient, existingNotice: existingNoticeFor(snapshot, facts, now.timeZone),
      noticeId, noticeUrl: `${deps.publicBaseUrl}/notices/${noticeId}`, locale: deps.locale, newId: deps.newId,
      policy: deps.policy, now, practitionerRef, encounterRef, notice,
    });
    const stored: StoredNotice = {
      id: noticeId, createdAt: now.instant, hash: hashNoticeContent(notice), patientId: snapshot.patientId,
      institutionId: deps.policy.institution.id, content: notice,
    };
    return {
      response: { cards: card ? [card] : [] },
      findings,
      ruleErrors,
      notice: stored,
      audit,
    };
  };
}
