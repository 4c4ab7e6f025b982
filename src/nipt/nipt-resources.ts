import type { Consent, ServiceRequest } from '@medplum/fhirtypes';
import { URI_SYSTEM } from '../referral/card-resources.js';
import type { ClinicalNow } from '../clock.js';
import { SYSTEMS } from '../clinical/codes.js';

/** HL7 consent scope code system (R4 `Consent.scope`). */
export const CONSENT_SCOPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/consentscope';

export interface ConsentInput {
  readonly identifier: string;
  readonly patientRef: string;
  readonly order: ServiceRequest;
  readonly text: string;
  readonly policyText: string;
  readonly now: ClinicalNow;
  readonly organizationRef?: string;
}

/**
 * The NIPT pre-test counselling consent our card suggests creating (ZJ-2023 Art.22; NIPT-2016) —
 * the shape the `nipt-consent-missing` rule reads (readers/consent.ts): category
 * `prenatal-order#nipt-counselling-consent`, `dateTime` now. Created as `proposed`: counselling is
 * recorded, the woman's signature is still to come; the clinician sets it `active` once signed
 * (only an active consent satisfies the rule). `scope` treatment, `patient` the woman (ppc-5),
 * `policyRule` the legal basis (ppc-1), `provision` permits the NIPT order (`related` data).
 */
export function niptConsent(i: ConsentInput): Consent {
  const niptCoding = { system: SYSTEMS.prenatalOrder, code: 'nipt' };
  return {
    resourceType: 'Consent',
    identifier: [{ system: URI_SYSTEM, value: `urn:uuid:${i.identifier}` }],
    status: 'proposed',
    scope: { coding: [{ system: CONSENT_SCOPE_SYSTEM, code: 'treatment' }] },
    category: [{ coding: [{ system: SYSTEMS.prenatalOrder, code: 'nipt-counselling-consent' }], text: i.text }],
    patient: { reference: i.patientRef },
    dateTime: i.now.instant,
    ...(i.organizationRef ? { organization: [{ reference: i.organizationRef }] } : {}),
    policyRule: { text: i.policyText },
    provision: {
      type: 'permit',
      code: [{ coding: [niptCoding] }],
      ...(i.order.id ? { data: [{ meaning: 'related', reference: { reference: `ServiceRequest/${i.order.id}` } }] } : {}),
    },
  };
}
