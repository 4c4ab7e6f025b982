import type {
  Condition,
  Encounter,
  Extension,
  Organization,
  Practitioner,
  PractitionerQualification,
  PractitionerRole,
  Resource,
  ServiceRequest,
} from '@medplum/fhirtypes';
import { fixedClock } from '../../../src/clock.js';
import { EXTENSIONS, SYSTEMS, type MchTechnique } from '../../../src/clinical/codes.js';
import { createSnapshot, type PatientSnapshot } from '../../../src/fhir/snapshot.js';
import { addDays, addYears } from '../../../src/calendar/index.js';

/** Realistic FHIR R4 fixtures for the order checks (Hangzhou MCH hospital, prenatal clinic). */
export const TZ = 'Asia/Shanghai';
/** 2025-06-15 10:00 in Hangzhou. */
export const NOW = fixedClock('2025-06-15T02:00:00Z', TZ).now();
export const TODAY = NOW.today;
export const day = (n: number) => addDays(TODAY, n);
export const yearsAgo = (y: number, plusDays = 0) => addDays(addYears(TODAY, -y), plusDays);

export const PATIENT_ID = 'pat-zj-002';
export const patient: Resource = {
  resourceType: 'Patient',
  id: PATIENT_ID,
  name: [{ text: '陈静', family: '陈', given: ['静'] }],
  gender: 'female',
  birthDate: '1988-09-12',
};

export interface QualOpts {
  number?: string;
  start?: string;
  end?: string;
  lastTraining?: string;
  type?: string;
}

export function qualification(technique: MchTechnique | string, o: QualOpts = {}): PractitionerQualification {
  const extension: Extension[] = [{ url: EXTENSIONS.mchCertificateType, valueCode: o.type ?? 'assessment-certificate' }];
  if (o.lastTraining !== undefined) extension.push({ url: EXTENSIONS.mchLastTraining, valueDate: o.lastTraining });
  return {
    extension,
    identifier: [{ system: 'http://wsjkw.zj.gov.cn/fhir/sid/mch-certificate', value: o.number ?? `ZJ-CQ-${technique}` }],
    code: { coding: [{ system: SYSTEMS.mchTechnique, code: technique }], text: String(technique) },
    period: { ...(o.start !== undefined ? { start: o.start } : { start: '2022-03-01' }), ...(o.end !== undefined ? { end: o.end } : {}) },
    issuer: { display: '浙江省卫生健康委员会' },
  };
}

export function practitioner(id: string, quals: PractitionerQualification[]): Practitioner {
  return {
    resourceType: 'Practitioner',
    id,
    identifier: [{ system: 'urn:oid:2.16.156.10011.1.4', value: `11033010${id.length}` }],
    name: [{ use: 'official', text: '李敏', family: '李', given: ['敏'] }],
    qualification: [
      // A physician licence that is not an MCH certificate: ignored by the checks.
      {
        code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0360', code: 'MD' }] },
        identifier: [{ value: '110330100012345' }],
      },
      ...quals,
    ],
  };
}

export interface LicenceOpts {
  number?: string;
  techniques?: MchTechnique[];
  start?: string;
  end?: string;
  lastVerified?: string;
}

export function licenceExtension(o: LicenceOpts = {}): Extension {
  const extension: Extension[] = [{ url: 'number', valueString: o.number ?? 'ZJ-MY-2021-007' }];
  for (const t of o.techniques ?? ['prenatal-diagnosis', 'prenatal-screening'])
    extension.push({ url: 'technique', valueCoding: { system: SYSTEMS.mchTechnique, code: t } });
  extension.push({
    url: 'period',
    valuePeriod: { start: o.start ?? '2021-06-01', ...(o.end !== undefined ? { end: o.end } : { end: '2027-05-31' }) },
  });
  if (o.lastVerified !== undefined) extension.push({ url: 'lastVerified', valueDate: o.lastVerified });
  return { url: EXTENSIONS.mchLicence, extension };
}

export function organization(id: string, licences: Extension[], role = 'prenatal-diagnosis-institution'): Organization {
  return {
    resourceType: 'Organization',
    id,
    name: '杭州市妇幼保健院',
    extension: [...licences, { url: EXTENSIONS.mchInstitutionRole, valueCode: role }],
  };
}

export function practitionerRole(id: string, practitionerId: string, organizationId: string): PractitionerRole {
  return {
    resourceType: 'PractitionerRole',
    id,
    active: true,
    practitioner: { reference: `Practitioner/${practitionerId}` },
    organization: { reference: `Organization/${organizationId}` },
    code: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/practitioner-role', code: 'doctor' }] }],
  };
}

export function encounter(id: string, organizationId: string): Encounter {
  return {
    resourceType: 'Encounter',
    id,
    status: 'in-progress',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: { reference: `Patient/${PATIENT_ID}` },
    serviceProvider: { reference: `Organization/${organizationId}` },
  };
}

export function order(id: string, system: string, code: string, text: string, extra: Partial<ServiceRequest> = {}): ServiceRequest {
  return {
    resourceType: 'ServiceRequest',
    id,
    status: 'draft',
    intent: 'order',
    code: { coding: [{ system, code, display: text }], text },
    subject: { reference: `Patient/${PATIENT_ID}` },
    authoredOn: '2025-06-15T10:00:00+08:00',
    ...extra,
  };
}

export const amnio = (id = 'sr-amnio') => order(id, SYSTEMS.prenatalOrder, 'amniocentesis', '羊膜腔穿刺术');
export const nipt = (id = 'sr-nipt') => order(id, SYSTEMS.prenatalOrder, 'nipt', '孕妇外周血胎儿游离DNA产前筛查');
export const serum = (id = 'sr-serum') => order(id, SYSTEMS.prenatalOrder, 'serum-screening', '孕中期血清学产前筛查');
export const cbc = (id = 'sr-cbc') => order(id, SYSTEMS.loinc, '58410-2', '血常规');
export const sexDetermination = (id = 'sr-sex', reason?: { system: string; code: string }) =>
  order(id, SYSTEMS.prenatalOrder, 'fetal-sex-determination', '胎儿性别鉴定', reason ? { reasonCode: [{ coding: [reason] }] } : {});

export function condition(id: string, system: string, code: string): Condition {
  return {
    resourceType: 'Condition',
    id,
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    code: { coding: [{ system, code }] },
    subject: { reference: `Patient/${PATIENT_ID}` },
  };
}

/** A well-credentialed practitioner and institution: every check passes. */
export const goodPractitioner = () =>
  practitioner('prac-li', [
    qualification('prenatal-diagnosis', { number: 'ZJ-CQ-2022-0018', end: '2027-02-28', lastTraining: yearsAgo(1) }),
    qualification('prenatal-screening', { number: 'ZJ-CQ-2022-0019', end: '2027-02-28', lastTraining: yearsAgo(1) }),
  ]);
export const goodOrganization = () => organization('org-hz-mch', [licenceExtension({ lastVerified: yearsAgo(1) })]);

export interface SnapshotParts {
  resources?: Resource[];
  orders: Resource[];
  userId?: string;
  encounterId?: string;
}

export function snapshotOf(p: SnapshotParts): PatientSnapshot {
  return createSnapshot({
    patientId: PATIENT_ID,
    resources: [patient, ...(p.resources ?? [])],
    draftOrders: p.orders,
    ...(p.userId !== undefined ? { userId: p.userId } : {}),
    ...(p.encounterId !== undefined ? { encounterId: p.encounterId } : {}),
  });
}

/** The usual EHR data: good practitioner with a role at the good institution. */
export function ehrResources(over: { practitioner?: Practitioner; organization?: Organization } = {}): Resource[] {
  return [
    over.practitioner ?? goodPractitioner(),
    over.organization ?? goodOrganization(),
    practitionerRole('role-li', 'prac-li', 'org-hz-mch'),
  ];
}
