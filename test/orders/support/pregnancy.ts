import type { Observation, ServiceRequest } from '@medplum/fhirtypes';
import { SYSTEMS } from '../../../src/clinical/codes.js';
import { addDays } from '../../../src/calendar/index.js';
import {
  licenceExtension,
  order,
  organization,
  PATIENT_ID,
  practitioner,
  practitionerRole,
  qualification,
  TODAY,
  yearsAgo,
} from './fixtures.js';

/** The clinical EDD (LOINC 11778-8, recorded at booking) that makes GA today `w+d` (today 2025-06-15). */
export function eddForGa(weeks: number, days = 0): Observation {
  return {
    resourceType: 'Observation',
    id: 'obs-edd',
    status: 'final',
    code: { coding: [{ system: SYSTEMS.loinc, code: '11778-8', display: 'Delivery date Estimated' }] },
    subject: { reference: `Patient/${PATIENT_ID}` },
    effectiveDateTime: '2025-03-01T09:00:00+08:00',
    valueDateTime: addDays(TODAY, 280 - (weeks * 7 + days)),
  };
}

/** 中期妊娠引产术 drafted as SNOMED 714812005 (Induced termination of pregnancy). */
export const termination = (extra: Partial<ServiceRequest> = {}, id = 'sr-top') =>
  order(id, SYSTEMS.snomed, '714812005', '中期妊娠引产术', extra);

/** Practitioner, institution and role whose certificate and licence cover termination: only Art.31 can speak. */
export function terminationCredentials() {
  return [
    practitioner('prac-li', [
      qualification('pregnancy-termination', { number: 'ZJ-ZZ-2022-0031', end: '2027-02-28', lastTraining: yearsAgo(1) }),
    ]),
    organization('org-hz-mch', [licenceExtension({ techniques: ['pregnancy-termination', 'midwifery'], lastVerified: yearsAgo(1) })]),
    practitionerRole('role-li', 'prac-li', 'org-hz-mch'),
  ];
}

/** A termination order coded some other way (technique code, another SNOMED code, a hospital procedure code). */
export const terminationCodedAs = (id: string, system: string, code: string, text: string) => order(id, system, code, text);
