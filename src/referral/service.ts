import type { PregnancyFacts } from '../clinical/finding-params.js';
import type { Policy } from '../clinical/policy.js';
import type { Rule } from '../engine/rule.js';
import { emptyResult, type ServiceHandler } from '../engine/service.js';
import { callInstitution, type CallInstitution } from '../clinical/call-institution.js';
import { resolveOrderingContext } from '../clinical/ordering-context.js';
import type { Locale } from '../render/messages.js';
import { buildReferralCard } from './card.js';
import { evaluateReferral } from './evaluate.js';
import { existingNoticeFor } from './existing-notice.js';
import { buildNoticeContent, hashNoticeContent } from './notice/content.js';
import type { NoticeInstitution } from './notice/content-schema.js';
import type { StoredNotice } from '../engine/stored-notice.js';

export interface ReferralServiceDeps {
  readonly policy: Policy;
  readonly locale: Locale;
  /** Unguessable ids (notice ids are capabilities to a printable page): crypto.randomUUID in production. */
  readonly newId: () => string;
  /** PUBLIC_BASE_URL without trailing slash; the notice link is `${publicBaseUrl}/notices/{id}`. */
  readonly publicBaseUrl: string;
  /** The referral rules (the catalogue by default; tests inject a failing one). */
  readonly rules?: readonly Rule<PregnancyFacts>[];
}

/**
 * `prenatal-diagnosis-referral` (patient-view) and `…-encounter` (encounter-start): Art. 24 and
 * screening findings for the current pregnancy → one referral card carrying the Art. 25 written
 * notice. The notice content is built once, here, and handed to the card and to the store (with
 * its hash). No current pregnancy or no finding → no card.
 */
export function createReferralService(deps: ReferralServiceDeps): ServiceHandler {
  return ({ snapshot, now, issuerInstitution }) => {
    const evaluation = evaluateReferral(snapshot, deps.policy, now, deps.rules);
    const { facts, findings, errors } = evaluation;
    const ordering = resolveOrderingContext(snapshot);
    const institution = callInstitution(snapshot, ordering, issuerInstitution, deps.policy);
    const practitionerId = ordering.practitionerId;
    const audit = {
      undecided: evaluation.undecided,
      ruleErrors: errors,
      ruleRuns: evaluation.runs,
      ...(facts.pregnancyKey ? { pregnancyKey: facts.pregnancyKey } : {}),
      ...(practitionerId ? { practitionerId } : {}),
      ...(institution ? { institution: { id: institution.id, via: institution.via } } : {}),
    };
    if (!facts.current || findings.length === 0 || !snapshot.patient) return emptyResult(now, audit);
    const noticeId = deps.newId();
    const practitionerRef =
      snapshot.userId?.startsWith('Practitioner/') || snapshot.userId?.startsWith('PractitionerRole/') ? snapshot.userId : undefined;
    const encounterRef = snapshot.encounterId ? `Encounter/${snapshot.encounterId}` : undefined;
    const notice = buildNoticeContent({
      noticeId,
      findings,
      facts,
      patient: snapshot.patient,
      policy: deps.policy,
      now,
      practitionerRef,
      encounterRef,
      ...(institution ? { institution: noticeInstitution(institution, deps.policy) } : {}),
    });
    const card = buildReferralCard({
      findings,
      facts,
      patient: snapshot.patient,
      existingNotice: existingNoticeFor(snapshot, facts, now.timeZone),
      noticeId,
      noticeUrl: `${deps.publicBaseUrl}/notices/${noticeId}`,
      locale: deps.locale,
      newId: deps.newId,
      policy: deps.policy,
      now,
      practitionerRef,
      encounterRef,
      notice,
    });
    if (!card) return emptyResult(now, audit);
    const stored: StoredNotice = {
      id: noticeId,
      createdAt: now.instant,
      hash: hashNoticeContent(notice),
      patientId: snapshot.patientId,
      ...(institution ? { institutionId: institution.id } : {}),
      content: notice,
    };
    return { ...emptyResult(now, audit), cards: [{ card, findings: evaluation.audited, undecided: [] }], notice: stored };
  };
}

/** The name printed for an institution known only by its id (the policy default's wording). */
const UNNAMED_INSTITUTION = '（本机构）';

/**
 * The institution printed on the notice: the Organization's own name when the record holds it; the
 * policy's institution (name, address, phone) when the call is for that one; else the id with the
 * unnamed wording — never another hospital's name.
 */
function noticeInstitution(i: CallInstitution, policy: Policy): NoticeInstitution {
  const own = policy.institution;
  if (i.organization?.name) {
    const address = i.organization.address?.[0]?.text;
    const phone = i.organization.telecom?.find((t) => t.system === 'phone')?.value;
    return { id: i.id, name: i.organization.name, ...(address ? { address } : {}), ...(phone ? { phone } : {}) };
  }
  // A policy institution without an id names no particular Organization: it may not be this one.
  return own.id === i.id ? { ...own, id: i.id } : { id: i.id, name: UNNAMED_INSTITUTION };
}
