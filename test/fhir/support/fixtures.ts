import type { Bundle, Observation, OperationOutcome, Patient, Resource } from '@medplum/fhirtypes';

/** Realistic FHIR R4 test data: one pregnant woman with prenatal observations (LOINC-coded). */
export const PATIENT_ID = 'pat-zj-001';

export const patient: Patient = {
  resourceType: 'Patient',
  id: PATIENT_ID,
  meta: { versionId: '3', lastUpdated: '2024-05-02T08:30:00+08:00' },
  identifier: [{ system: 'urn:oid:2.16.156.10011.1.1', value: '330102198703020024' }],
  name: [{ use: 'official', text: '王丽', family: '王', given: ['丽'] }],
  gender: 'female',
  birthDate: '1987-03-02',
  address: [{ city: '杭州市', state: '浙江省', country: 'CN' }],
};

function observation(id: string, code: string, display: string, value: Partial<Observation>): Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'exam' }] }],
    code: { coding: [{ system: 'http://loinc.org', code, display }] },
    subject: { reference: `Patient/${PATIENT_ID}` },
    effectiveDateTime: '2024-04-28T09:15:00+08:00',
    ...value,
  };
}

/** Estimated delivery date (LOINC 11778-8). */
export const eddObservation = observation('obs-edd', '11778-8', 'Delivery date Estimated', { valueDateTime: '2024-10-20' });
/** Amniotic fluid index (LOINC 11627-7) of 4.2 cm: oligohydramnios. */
export const afiObservation = observation('obs-afi', '11627-7', 'Amniotic fluid index US', {
  valueQuantity: { value: 4.2, unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' },
});
/** Pregnancy status (LOINC 82810-3) = pregnant (SNOMED 77386006). */
export const pregnancyStatus = observation('obs-preg', '82810-3', 'Pregnancy status', {
  valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '77386006', display: 'Pregnant' }] },
});

/** A searchset Bundle, with `link` self / next as a FHIR server pages it. */
export function searchset(resources: readonly Resource[], links: { self?: string; next?: string } = {}): Bundle {
  const link = [
    ...(links.self ? [{ relation: 'self', url: links.self }] : []),
    ...(links.next ? [{ relation: 'next', url: links.next }] : []),
  ];
  return {
    resourceType: 'Bundle',
    id: `bundle-${resources.map((r) => r.id).join('-') || 'empty'}`,
    type: 'searchset',
    total: resources.length,
    ...(link.length > 0 ? { link } : {}),
    entry: resources.map((r) => ({
      fullUrl: `https://ehr.example.cn/fhir/${r.resourceType}/${r.id}`,
      resource: r,
      search: { mode: 'match' as const },
    })),
  };
}

export const emptySearchset: Bundle = { resourceType: 'Bundle', type: 'searchset', total: 0 };

export const operationOutcome: OperationOutcome = {
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'timeout', diagnostics: 'The EHR could not complete the prefetch query' }],
};
