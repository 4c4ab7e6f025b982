import type { PregnancyFacts } from '../clinical/finding-params.js';
import type { Policy } from '../clinical/policy.js';
import type { Rule } from '../engine/rule.js';
import { emptyResult, type ServiceHandler } from '../engine/service.js';
import { callInstitution, type CallInstitution } from '../clinical/call-institution.js';
import { resolveOrderingContext } from '../clinical/ordering-context.js';
import type { Locale } from '../render/messages.js';
import { buildReferralCard } from './card.js';
import type { ExistingNotice } from './card-detail.js';
import { evaluateReferral } from './evaluate.js';
import { existingNoticeFor } from './existing-notice.js';
import { buildNoticeContent, hashNoticeContent } from './notice/content.js';
import type { NoticeInstitution } from './notice/content-schema.js';
import type { StoredNotice } from '../engine/stored-notice.js';
import { isNoticeId, issueNoticeLink, noticeLinkUrl, randomLinkToken } from '../engine/notice-link.js';

export interface ReferralServiceDeps {
  readonly policy: Policy;
  readonly locale: Locale;
  /** Unguessable ids (notice ids are capabilities to a printable page): crypto.randomUUID in production. */
  readonly newId: () => string;
  /** PUBLIC_BASE_URL without trailing slash; the notice link is `${publicBaseUrl}/notices/{id}?t=<token>`. */
  readonly publicBaseUrl: string;
  /** NOTICE_LINK_DAYS: a notice link expires this many times 24 h after the call (docs/design.md#notice-links). */
  readonly noticeLinkDays?: number;
  /** New link tokens (256 random bits, base64url); tests inject fixed ones. */
  readonly newToken?: () => string;
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
    const existingNotice = existingNoticeFor(snapshot, facts, now.timeZone);
    // The notice the EHR recorded as given covers every current finding: re-link that stored notice
    // (same id, content and hash) instead of issuing another (docs/design.md#notice-links).
    const relinked = reusableNotice(existingNotice, findings);
    const noticeId = relinked ?? deps.newId();
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
    const token = (deps.newToken ?? randomLinkToken)();
    const card = buildReferralCard({
      findings,
      facts,
      patient: snapshot.patient,
      existingNotice,
      noticeId,
      noticeUrl: noticeLinkUrl(deps.publicBaseUrl, noticeId, token),
      locale: deps.locale,
      newId: deps.newId,
      policy: deps.policy,
      now,
      practitionerRef,
      encounterRef,
      notice,
    });
    if (!card) return emptyResult(now, audit);
    const noticeLink = issueNoticeLink({
      noticeId,
      patientId: snapshot.patientId,
      now,
      days: deps.noticeLinkDays ?? DEFAULT_NOTICE_LINK_DAYS,
      token,
      newId: deps.newId,
      reissue: relinked !== undefined,
    });
    const cards = [{ card, findings: evaluation.audited, undecided: [] }];
    if (relinked) return { ...emptyResult(now, audit), cards, noticeLink };
    const stored: StoredNotice = {
      id: noticeId,
      createdAt: now.instant,
      hash: hashNoticeContent(notice),
      patientId: snapshot.patientId,
      ...(institution ? { institutionId: institution.id } : {}),
      content: notice,
    };
    return { ...emptyResult(now, audit), cards, noticeLink, notice: stored };
  };
}

/** NOTICE_LINK_DAYS when the caller gives none. */
export const DEFAULT_NOTICE_LINK_DAYS = 30;

/** The id of the notice on file in the EHR when it alone covers every current finding's rule. */
function reusableNotice(existing: ExistingNotice | undefined, findings: readonly { readonly rule: string }[]): string | undefined {
  const latest = existing?.latest;
  if (!latest || !isNoticeId(latest.noticeId)) return undefined;
  return findings.every((f) => latest.rules.includes(f.rule)) ? latest.noticeId : undefined;
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
