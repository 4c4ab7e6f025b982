import type { Communication, Reference, ServiceRequest } from '@medplum/fhirtypes';
import type { ClinicalNow } from '../clock.js';
import { EXTENSIONS, NOTICE_CATEGORY_CODE, PROFILES, SYSTEMS } from '../clinical/codes.js';
import type { Policy } from '../clinical/policy.js';

/**
 * The FHIR resources the referral card's suggestions create (docs/design.md#written-notice): (a) a draft
 * referral ServiceRequest, (b) the notice Communication recording the Art. 25 written notice.
 *
 * Linking (b) to (a): CDS Hooks create actions cannot reference each other and the two
 * suggestions are accepted independently (`selectionBehavior: any`), so the referral carries a
 * business identifier `urn:uuid:<id>` (system `urn:ietf:rfc:3986`) and the Communication's `about`
 * is a logical reference to it (`Reference.identifier`, type ServiceRequest), which the EHR
 * resolves whatever order — or server — it creates them in.
 */
export const URI_SYSTEM = 'urn:ietf:rfc:3986';

/** Resource types ServiceRequest.reasonReference may point to (FHIR R4); other evidence goes to supportingInfo. */
const REASON_TYPES = new Set(['Condition', 'Observation', 'DiagnosticReport', 'DocumentReference']);

export interface ReferralRequestInput {
  readonly identifier: string;
  readonly patientRef: string;
  readonly evidence: readonly string[];
  readonly reasonText: string;
  readonly text: string;
  readonly policy: Policy;
  readonly now: ClinicalNow;
  readonly practitionerRef?: string;
  readonly encounterRef?: string;
}

/** The logical reference to the referral, as the notice Communication's `about` carries it. */
export function referralLogicalReference(identifier: string): Reference<ServiceRequest> {
  return { type: 'ServiceRequest', identifier: { system: URI_SYSTEM, value: `urn:uuid:${identifier}` } };
}

/** (a) Draft referral to prenatal diagnosis at policy.referralInstitution. */
export function referralServiceRequest(i: ReferralRequestInput): ServiceRequest {
  const coding = { system: SYSTEMS.prenatalOrder, code: 'prenatal-diagnosis-referral' };
  const reason = i.evidence.filter((r) => REASON_TYPES.has(r.split('/')[0] ?? ''));
  const support = i.evidence.filter((r) => !REASON_TYPES.has(r.split('/')[0] ?? ''));
  const org = i.policy.referralInstitution;
  return {
    resourceType: 'ServiceRequest',
    meta: { profile: [PROFILES.referralServiceRequest] },
    identifier: [{ system: URI_SYSTEM, value: `urn:uuid:${i.identifier}` }],
    status: 'draft',
    intent: 'order',
    category: [{ coding: [coding], text: i.text }],
    code: { coding: [coding], text: i.text },
    subject: { reference: i.patientRef },
    ...(i.encounterRef ? { encounter: { reference: i.encounterRef } } : {}),
    occurrenceDateTime: i.now.instant,
    authoredOn: i.now.instant,
    ...(i.practitionerRef ? { requester: { reference: i.practitionerRef } } : {}),
    performer: [{ display: org.name, ...(org.id ? { reference: `Organization/${org.id}` } : {}) }],
    reasonCode: [{ text: i.reasonText }],
    ...(reason.length ? { reasonReference: reason.map((reference) => ({ reference })) } : {}),
    ...(support.length ? { supportingInfo: support.map((reference) => ({ reference })) } : {}),
  };
}

export interface NoticeCommunicationInput {
  readonly noticeId: string;
  readonly noticeUrl: string;
  readonly rules: readonly string[];
  readonly referralIdentifier: string;
  readonly patientRef: string;
  readonly contentString: string;
  readonly text: string;
  readonly attachmentTitle: string;
  readonly now: ClinicalNow;
  readonly practitionerRef?: string;
  readonly encounterRef?: string;
}

/**
 * (b) The written notice as given: extension `notice-rules` (one valueCode per covered rule id)
 * and `notice-id` tell the next visit which findings this notice covered.
 */
export function noticeCommunication(i: NoticeCommunicationInput): Communication {
  return {
    resourceType: 'Communication',
    meta: { profile: [PROFILES.writtenNoticeCommunication] },
    extension: [
      ...i.rules.map((r) => ({ url: EXTENSIONS.noticeRules, valueCode: r })),
      { url: EXTENSIONS.noticeId, valueString: i.noticeId },
    ],
    status: 'completed',
    category: [{ coding: [{ system: SYSTEMS.noticeCategory, code: NOTICE_CATEGORY_CODE }], text: i.text }],
    subject: { reference: i.patientRef },
    ...(i.encounterRef ? { encounter: { reference: i.encounterRef } } : {}),
    about: [referralLogicalReference(i.referralIdentifier)],
    sent: i.now.instant,
    ...(i.practitionerRef ? { sender: { reference: i.practitionerRef } } : {}),
    payload: [
      { contentString: i.contentString },
      { contentAttachment: { contentType: 'text/html', url: i.noticeUrl, title: i.attachmentTitle } },
    ],
  };
}
