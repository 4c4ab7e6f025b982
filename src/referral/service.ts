import type { PregnancyFacts } from '../clinical/finding-params.js';
import type { Policy } from '../clinical/policy.js';
import type { Rule } from '../engine/rule.js';
import { emptyResult, type ServiceHandler } from '../engine/service.js';
import { callInstitution, type CallInstitution } from '../clinical/call-institution.js';
import { readContext } from '../clinical/data-elements/context.js';
import { followUpEvents } from '../clinical/data-elements/follow-up-events.js';
import { resolveOrderingContext } from '../clinical/ordering-context.js';
import type { Locale } from '../render/messages.js';
import { art27Answer } from './art27-service.js';
import { buildReferralCard } from './card.js';
import type { ExistingNotice } from './card-detail.js';
import { evaluateReferral } from './evaluate.js';
import { loadPerformerInstitutions } from './performer-institutions.js';
import { existingNoticeFor } from './existing-notice.js';
import { buildNoticeContent, namedInstitution } from './notice/content.js';
import { derivedNoticeId, draftedNotice } from './notice/substance.js';
import { jcs } from '../canonical-json.js';
import { createHash } from 'node:crypto';
import { isCurrentNoticeContent, type NoticeInstitution } from './notice/content-schema.js';
import { noticeMessage } from './notice/messages.js';
import { printableInstitution, resolveNoticeInstitutions } from './notice-institutions.js';
import type { RegistryStore } from '../orders/credential-records.js';
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
  /** MRN_SYSTEM: the Patient.identifier system of her record number, printed on the notice. */
  readonly mrnSystem?: string;
  /**
   * PUBLIC_BASE_URL is configured (production): a notice whose issuing or referral institution has no
   * known name is not issued, and the card says why (docs/design.md#written-notice).
   */
  readonly production?: boolean;
  /** The credential registry: an institution's registered name when its Organization has none. */
  readonly registry?: Pick<RegistryStore, 'organization' | 'findOrganization'>;
  /**
   * Reads a stored notice (the store's NoticeStore.get): a notice on file stored in an earlier content
   * format is not re-linked, a new one is issued (docs/design.md#written-notice). Absent: not checked.
   */
  readonly storedNotice?: (id: string) => Promise<StoredNotice | undefined>;
  /**
   * The store's `notice-id` secret: with it, a notice's id is derived from its substance, EHR and
   * pregnancy, so a repeated call issues the same notice again (docs/design.md#notice-reuse).
   * Absent: a new random id (`newId`) per notice.
   */
  readonly noticeIdKey?: Uint8Array;
}

/**
 * `prenatal-diagnosis-referral` (patient-view) and `…-encounter` (encounter-start): Art. 24 and
 * screening findings for the current pregnancy → one referral card carrying the Art. 25 written
 * notice. The notice content is built once, here, and handed to the card and to the store (with
 * its hash). No current pregnancy or no finding → no card.
 */
export function createReferralService(deps: ReferralServiceDeps): ServiceHandler {
  return async ({ snapshot, now, issuerInstitution, ehr }) => {
    // The performing institutions of prenatal-diagnosis reports (registry and record), before the pure rules run.
    const performers = deps.registry ? await loadPerformerInstitutions(snapshot, deps.registry, deps.policy) : undefined;
    const evaluation = evaluateReferral(snapshot, deps.policy, now, deps.rules, performers);
    const { facts, findings, errors } = evaluation;
    const ordering = resolveOrderingContext(snapshot);
    const institution = callInstitution(snapshot, ordering, issuerInstitution, deps.policy);
    const practitionerId = ordering.practitionerId;
    // What followed earlier indications, observed on every call, pregnant or not (docs/design.md#follow-up).
    const followUp = followUpEvents(readContext(snapshot, deps.policy, now));
    const audit = {
      undecided: evaluation.undecided,
      ruleErrors: errors,
      ruleRuns: evaluation.runs,
      ...(facts.pregnancyKey ? { pregnancyKey: facts.pregnancyKey } : {}),
      ...(facts.edd ? { edd: facts.edd.date } : {}),
      ...(practitionerId ? { practitionerId } : {}),
      ...(institution ? { institution: { id: institution.id, via: institution.via } } : {}),
      ...(followUp.length > 0 ? { followUp } : {}),
    };
    if (!facts.current || findings.length === 0 || !snapshot.patient) return emptyResult(now, audit);
    const existingNotice = existingNoticeFor(snapshot, facts, now.timeZone);
    // The notice the EHR recorded as given covers every current finding: re-link that stored notice
    // (same id, content and hash) instead of issuing another (docs/design.md#notice-links).
    // A notice on file stored in an earlier content format is kept as it was but never re-linked.
    const earlierFormat = await storedInEarlierFormat(existingNotice, deps.storedNotice);
    const relinked = earlierFormat ? undefined : reusableNotice(existingNotice, findings);
    const practitionerRef =
      snapshot.userId?.startsWith('Practitioner/') || snapshot.userId?.startsWith('PractitionerRole/') ? snapshot.userId : undefined;
    const encounterRef = snapshot.encounterId ? `Encounter/${snapshot.encounterId}` : undefined;
    // The calling institution and its NIPT cooperation partner by their real names (src/referral/notice-institutions.ts).
    const named = await resolveNoticeInstitutions(snapshot, institution, deps.registry, deps.policy, now.today);
    const issuing =
      printableInstitution(named.institution) ??
      (institution ? await noticeInstitution(institution, deps.policy, deps.registry) : undefined);
    const referral = printableInstitution(named.referralInstitution);
    const refusal = deps.production ? noticeRefusal(issuing, referral, institution?.id, deps.locale) : undefined;
    // A fetal abnormality found by prenatal diagnosis: the Art. 27 card and notice instead (docs/rules.md#abnormal-result-notice).
    const art27 = findings.find((f) => f.rule === 'abnormal-result-notice');
    if (art27) {
      return art27Answer({
        finding: art27,
        findings,
        audited: evaluation.audited,
        audit,
        patient: snapshot.patient,
        patientId: snapshot.patientId,
        facts,
        now,
        ...(existingNotice ? { existingNotice } : {}),
        locale: deps.locale,
        newId: deps.newId,
        ...(deps.newToken ? { newToken: deps.newToken } : {}),
        publicBaseUrl: deps.publicBaseUrl,
        noticeLinkDays: deps.noticeLinkDays ?? DEFAULT_NOTICE_LINK_DAYS,
        ...(practitionerRef ? { practitionerRef } : {}),
        ...(ordering.practitioner ? { practitioner: ordering.practitioner } : {}),
        ...(encounterRef ? { encounterRef } : {}),
        ...(deps.mrnSystem ? { mrnSystem: deps.mrnSystem } : {}),
        ...(issuing ? { issuing } : {}),
        ...(institution ? { institutionId: institution.id } : {}),
        ...(deps.production ? { production: true } : {}),
        ...(earlierFormat ? { noRelink: true } : {}),
      });
    }
    // Built without its id first when the id is derived from the substance (docs/design.md#notice-reuse).
    const derive = relinked === undefined && deps.noticeIdKey !== undefined;
    const draft = buildNoticeContent({
      noticeId: relinked ?? (derive ? '' : deps.newId()),
      findings,
      facts,
      patient: snapshot.patient,
      policy: deps.policy,
      now,
      practitionerRef,
      encounterRef,
      ...(ordering.practitioner ? { practitioner: ordering.practitioner } : {}),
      ...(deps.mrnSystem ? { mrnSystem: deps.mrnSystem } : {}),
      ...(issuing ? { institution: issuing } : {}),
      ...(referral ? { referralInstitution: referral } : {}),
    });
    // The draft's members are written once: its substance hash now, its canonical text once its id is known.
    const drafted = derive ? draftedNotice(draft) : undefined;
    const substanceHash = drafted?.substanceHash;
    const noticeId =
      substanceHash !== undefined
        ? derivedNoticeId(deps.noticeIdKey!, {
            issuer: ehr?.issuer ?? 'dev',
            ...(ehr?.tenant ? { tenant: ehr.tenant } : {}),
            ...(institution ? { institutionId: institution.id } : {}),
            patientId: snapshot.patientId,
            ...(facts.pregnancyKey ? { pregnancyKey: facts.pregnancyKey } : {}),
            substanceHash,
          })
        : draft.noticeId;
    const notice = substanceHash !== undefined ? { ...draft, noticeId } : draft;
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
      ...(refusal ? { noticeRefusal: refusal } : {}),
    });
    if (!card) return emptyResult(now, audit);
    // No notice without a real institution name in production: the card says why, nothing is stored or linked.
    if (refusal) return { ...emptyResult(now, audit), cards: [{ card, findings: evaluation.audited, undecided: [] }] };
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
    // The canonical text is hashed and stored as it is (docs/design.md#notice-reuse).
    const canonical = drafted ? drafted.canonical(noticeId) : jcs(notice);
    const stored: StoredNotice = {
      id: noticeId,
      createdAt: now.instant,
      hash: createHash('sha256').update(canonical, 'utf8').digest('hex'),
      patientId: snapshot.patientId,
      ...(institution ? { institutionId: institution.id } : {}),
      content: notice,
      canonical,
      ...(substanceHash !== undefined ? { substanceHash } : {}),
    };
    return { ...emptyResult(now, audit), cards, noticeLink, notice: stored };
  };
}

/** NOTICE_LINK_DAYS when the caller gives none. */
export const DEFAULT_NOTICE_LINK_DAYS = 30;

/** Whether the latest notice on file is stored, in a content format earlier than the current schema. */
async function storedInEarlierFormat(
  existing: ExistingNotice | undefined,
  storedNotice: ReferralServiceDeps['storedNotice'],
): Promise<boolean> {
  const id = existing?.latest?.noticeId;
  if (!id || !isNoticeId(id) || !storedNotice) return false;
  // A store that cannot answer leaves the re-link as before: the page still refuses an earlier format.
  const stored = await storedNotice(id).catch(() => undefined);
  return stored !== undefined && !isCurrentNoticeContent(stored.content);
}

/** The id of the notice on file in the EHR when it alone covers every current finding's rule. */
function reusableNotice(existing: ExistingNotice | undefined, findings: readonly { readonly rule: string }[]): string | undefined {
  const latest = existing?.latest;
  if (!latest || !isNoticeId(latest.noticeId)) return undefined;
  return findings.every((f) => latest.rules.includes(f.rule)) ? latest.noticeId : undefined;
}

/**
 * The institution printed on the notice, by a real name only (docs/design.md#written-notice): the
 * Organization's own name when the record holds it; else its name in the credential registry; else
 * the policy's institution (name, address, phone) when the call is for that one; else `undefined` —
 * never a placeholder, never another hospital's name.
 */
async function noticeInstitution(
  i: CallInstitution,
  policy: Policy,
  registry: Pick<RegistryStore, 'organization'> | undefined,
): Promise<NoticeInstitution | undefined> {
  if (i.organization?.name?.trim()) {
    const address = i.organization.address?.[0]?.text;
    const phone = i.organization.telecom?.find((t) => t.system === 'phone')?.value;
    return { id: i.id, name: i.organization.name.trim(), ...(address ? { address } : {}), ...(phone ? { phone } : {}) };
  }
  const registered = (await registry?.organization(i.id).catch(() => undefined))?.name?.trim();
  if (registered) return { id: i.id, name: registered };
  // A policy institution without an id names no particular Organization: it may not be this one.
  const own = policy.institution.id === i.id ? namedInstitution(policy.institution) : undefined;
  return own ? { ...own, id: i.id } : undefined;
}

/** Why a notice cannot be issued in production (a name is unknown), in the card's locale; `undefined` when it can. */
function noticeRefusal(
  issuing: NoticeInstitution | undefined,
  referral: NoticeInstitution | undefined,
  institutionId: string | undefined,
  locale: Locale,
): string | undefined {
  const why: string[] = [];
  if (!issuing) why.push(noticeMessage(locale, 'refusal.issuing', { id: institutionId ?? '—' }));
  if (!referral) why.push(noticeMessage(locale, 'refusal.referral'));
  return why.length ? noticeMessage(locale, 'refusal', { why: why.join(locale === 'en' ? '; ' : '；') }) : undefined;
}
