/**
 * Code systems and local codes used across the service. Local canonical base:
 * http://prenatal-cds.org/fhir (docs/rules.md#value-sets). The FSH CodeSystems in fhir-profiles/ define the same
 * codes; a test keeps them in sync.
 */
export const CANONICAL_BASE = 'http://prenatal-cds.org/fhir';

export const SYSTEMS = {
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  icd10: 'http://hl7.org/fhir/sid/icd-10',
  icd10cn: 'http://hl7.org/fhir/sid/icd-10-cn',
  atc: 'http://www.whocc.no/atc',
  /** ICD-9-CM procedures (the national clinical edition of 手术操作分类代码 extends its codes: `75.1x00`). */
  icd9cm: 'http://hl7.org/fhir/sid/icd-9-cm',
  ucum: 'http://unitsofmeasure.org',
  v3RoleCode: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode',
  v3Interpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  /** HL7 v2 table 0074, diagnostic service section (DiagnosticReport.category; `OUS` = OB ultrasound). */
  v2DiagnosticService: 'http://terminology.hl7.org/CodeSystem/v2-0074',
  dataAbsentReason: 'http://terminology.hl7.org/CodeSystem/data-absent-reason',
  prenatalObservation: `${CANONICAL_BASE}/CodeSystem/prenatal-observation`,
  prenatalOrder: `${CANONICAL_BASE}/CodeSystem/prenatal-order`,
  mchTechnique: `${CANONICAL_BASE}/CodeSystem/mch-technique`,
  noticeCategory: `${CANONICAL_BASE}/CodeSystem/notice-category`,
  mchCertificateType: `${CANONICAL_BASE}/CodeSystem/mch-certificate-type`,
  mchInstitutionRole: `${CANONICAL_BASE}/CodeSystem/mch-institution-role`,
  overrideReason: `${CANONICAL_BASE}/CodeSystem/override-reason`,
} as const;

/** CodeSystem `prenatal-observation` (local observation / finding codes). */
export const PRENATAL_OBSERVATION_CODES = [
  'nt-mm',
  'exposure-radiation',
  'exposure-chemical',
  'exposure-infection',
  'exposure-drug',
  'prior-birth-defect',
  't21-risk',
  't18-risk',
  't13-risk',
  'nipt-result',
  'high-risk',
  'cell-therapy',
  'ivf',
  'bleeding-disorder',
  'chronic-infection-active',
  'pregnancy-episode',
  'obstetric-ultrasound',
  'prenatal-diagnosis',
] as const;

/** CodeSystem `prenatal-order` (local order codes). */
export const PRENATAL_ORDER_CODES = [
  'prenatal-diagnosis-referral',
  'nipt',
  'amniocentesis',
  'cvs',
  'cordocentesis',
  'karyotype',
  'chromosomal-microarray',
  'serum-screening',
  'fetal-sex-determination',
  'nipt-counselling-consent',
] as const;

/** CodeSystem `mch-technique`: the 7 special techniques of ZJ-2023 Art.3. */
export const MCH_TECHNIQUE_CODES = [
  'genetic-disease-diagnosis',
  'prenatal-diagnosis',
  'prenatal-screening',
  'premarital-examination',
  'midwifery',
  'ligation',
  'pregnancy-termination',
] as const;

/** CodeSystem `notice-category`: the Art. 25 written notice. */
export const NOTICE_CATEGORY_CODE = 'prenatal-diagnosis-written-notice';

export const EXTENSIONS = {
  mchCertificateType: `${CANONICAL_BASE}/StructureDefinition/mch-certificate-type`,
  mchLastTraining: `${CANONICAL_BASE}/StructureDefinition/mch-last-training`,
  mchLicence: `${CANONICAL_BASE}/StructureDefinition/mch-licence`,
  mchInstitutionRole: `${CANONICAL_BASE}/StructureDefinition/mch-institution-role`,
  niptCooperation: `${CANONICAL_BASE}/StructureDefinition/nipt-cooperation`,
  /** On the notice Communication: the rule ids the notice covers. */
  noticeRules: `${CANONICAL_BASE}/StructureDefinition/notice-rules`,
  /** On the notice Communication: the notice id of the printable notice and its hash. */
  noticeId: `${CANONICAL_BASE}/StructureDefinition/notice-id`,
  /** On a Condition in the woman's record: the condition is a finding about the fetus (docs/rules.md#fetal-finding). */
  fetalFinding: `${CANONICAL_BASE}/StructureDefinition/fetal-finding`,
} as const;

export type MchTechnique = (typeof MCH_TECHNIQUE_CODES)[number];

/** Profiles shipped in fhir-profiles/ (data we read and resources our cards create). */
export const PROFILES = {
  prenatalPatient: `${CANONICAL_BASE}/StructureDefinition/prenatal-patient`,
  eddObservation: `${CANONICAL_BASE}/StructureDefinition/edd-observation`,
  gestationalAgeObservation: `${CANONICAL_BASE}/StructureDefinition/gestational-age-observation`,
  amnioticFluidObservation: `${CANONICAL_BASE}/StructureDefinition/amniotic-fluid-observation`,
  screeningRiskObservation: `${CANONICAL_BASE}/StructureDefinition/screening-risk-observation`,
  prenatalFamilyMemberHistory: `${CANONICAL_BASE}/StructureDefinition/prenatal-family-member-history`,
  referralServiceRequest: `${CANONICAL_BASE}/StructureDefinition/prenatal-referral-service-request`,
  writtenNoticeCommunication: `${CANONICAL_BASE}/StructureDefinition/written-notice-communication`,
  mchPractitioner: `${CANONICAL_BASE}/StructureDefinition/mch-practitioner`,
  mchOrganization: `${CANONICAL_BASE}/StructureDefinition/mch-organization`,
} as const;
