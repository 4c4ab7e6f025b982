import { SYSTEMS } from '../codes.js';
import type { ValueSetDefinition } from './types.js';

/**
 * The shipped value sets, one per data element (the default codes of docs/rules.md). Plain data:
 * fhir-profiles/ generates the FHIR ValueSets (`http://prenatal-cds.org/fhir/ValueSet/<id>`) from
 * this file. Hospital codes are appended from policy (`localCodes[<id>]`), never written here.
 * ICD-10 codes are listed once under `http://hl7.org/fhir/sid/icd-10`; the matcher also accepts
 * them under the policy's other ICD-10 URIs (`ICD10_SYSTEMS`, default also `…/icd-10-cn`), with or
 * without the dot, and as prefixes of national clinical-edition codes (`Q90.900`).
 */
const { loinc, snomed, icd10, icd9cm, atc, v3RoleCode, v3Interpretation, prenatalObservation: po, prenatalOrder } = SYSTEMS;

/** docs/rules.md#fetal-anomaly: the major-anomaly set (SNOMED CT). */
const MAJOR_ANOMALY = [
  '89369001',
  '67531005',
  '12770006',
  '17190001',
  '18735004',
  '72951007',
  '80281008',
  '87979003',
  '70156005',
  '409709004',
  '416010008',
] as const;

/** ICD-10 categories `<letter><from>` … `<letter><to>` as prefixes: `categories('E', 70, 72)` = E70, E71, E72. */
const categories = (letter: string, from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `${letter}${String(from + i).padStart(2, '0')}`);

/**
 * docs/rules.md#value-sets: single-gene disorders by ICD-10 (prefix) — hereditary haemolytic anaemias
 * D56–D58 (thalassaemia, sickle cell, spherocytosis), haemophilia A/B D66/D67, inherited metabolic
 * disorders E70–E88 (cystic fibrosis E84 among them; not E86 volume depletion or E87 fluid and
 * electrolyte disorders, which are not inherited), Huntington disease G10, spinal muscular atrophy
 * G12, muscular dystrophy G71.0.
 */
const MONOGENIC_ICD10 = [...categories('D', 56, 58), 'D66', 'D67', ...categories('E', 70, 85), 'E88', 'G10', 'G12', 'G71.0'];
/** Chromosomal abnormalities, ICD-10 Q90–Q99. */
const CHROMOSOMAL_ICD10 = categories('Q', 90, 99);
/** Chromosomal disorders (SNOMED CT): chromosomal disorder, anomaly of pair 21, trisomy 21, 18, 13. */
const CHROMOSOMAL_SNOMED = ['409709004', '70156005', '41040004', '51500006', '21111006'];
/**
 * docs/rules.md#prior-affected-birth: minor congenital defects, not 严重缺陷 by default (a hospital adds
 * them by policy): ear anomalies Q16–Q17, hypospadias Q54, polydactyly Q69, syndactyly Q70.
 */
const MINOR_DEFECT_ICD10 = ['Q16', 'Q17', 'Q54', 'Q69', 'Q70'];
/**
 * docs/rules.md#prior-affected-birth: the severe (major) defects of the birth-defect surveillance
 * (SNOMED CT): the major-anomaly set without hypospadias (416010008), limb reduction 67341007,
 * encephalocele 55999004, oesophageal atresia 26179002, congenital heart disease 13213009, 276720006,
 * and the chromosomal disorders.
 */
const SEVERE_DEFECT_SNOMED = [
  ...new Set([
    ...MAJOR_ANOMALY.filter((c) => c !== '416010008'),
    '67341007',
    '55999004',
    '26179002',
    '13213009',
    '276720006',
    ...CHROMOSOMAL_SNOMED,
  ]),
];

function vs(
  id: string,
  title: string,
  include: ValueSetDefinition['include'],
  prefixes?: ValueSetDefinition['prefixes'],
): ValueSetDefinition {
  return prefixes ? { id, title, include, prefixes } : { id, title, include };
}

const LIST: readonly ValueSetDefinition[] = [
  // Dating and pregnancy status (docs/rules.md#current-pregnancy, #best-edd)
  vs('edd-clinical', 'EDD, clinical/final', [{ system: loinc, codes: ['11778-8'] }]),
  vs('edd-ultrasound', 'EDD from ultrasound', [{ system: loinc, codes: ['11781-2'] }]),
  vs('edd-lmp', 'EDD from LMP', [{ system: loinc, codes: ['11779-6'] }]),
  vs('edd-ovulation', 'EDD from ovulation date', [{ system: loinc, codes: ['11780-4'] }]),
  vs('lmp', 'Last menstrual period start date', [{ system: loinc, codes: ['8665-2'] }]),
  vs('gestational-age', 'Gestational age', [{ system: loinc, codes: ['18185-9', '11884-4', '11885-1'] }]),
  vs('pregnancy-status', 'Pregnancy status (observation code)', [{ system: loinc, codes: ['82810-3'] }]),
  vs('pregnant', 'Pregnant (pregnancy-status value)', [{ system: snomed, codes: ['77386006'] }]),
  // A pregnancy-status value that says she is not pregnant: ends a pregnancy (docs/rules.md#current-pregnancy).
  vs('not-pregnant', 'Not pregnant (pregnancy-status value)', [{ system: snomed, codes: ['60001007'] }]),
  vs('pregnancy-condition', 'Pregnancy (condition)', [{ system: snomed, codes: ['77386006'] }]),
  vs('pregnancy-episode', 'Pregnancy (EpisodeOfCare type)', [
    { system: snomed, codes: ['77386006'] },
    { system: po, codes: ['pregnancy-episode'] },
  ]),
  // A record that a pregnancy ended: delivery, birth outcome, miscarriage, termination (docs/rules.md#pregnancy-status-unclear).
  vs(
    'pregnancy-end',
    'Pregnancy ended (delivery, birth outcome, miscarriage, termination)',
    [
      {
        system: snomed,
        codes: [
          '236973005',
          '177184002',
          '700000006',
          '302383004',
          '61586001',
          '11466000',
          '281050002',
          '237364002',
          '17369002',
          '57797005',
          '714812005',
        ],
      },
    ],
    [
      {
        system: icd10,
        prefixes: [
          'O00',
          'O01',
          'O02',
          'O03',
          'O04',
          'O05',
          'O06',
          'O07',
          'O08',
          'O60.1',
          'O60.2',
          'O60.3',
          'O80',
          'O81',
          'O82',
          'O83',
          'O84',
          'Z37',
          'Z39',
        ],
      },
    ],
  ),
  // Amniotic fluid (docs/rules.md#amniotic-fluid)
  vs('afi', 'Amniotic fluid index', [{ system: loinc, codes: ['11627-7'] }]),
  vs('dvp', 'Deepest vertical pocket / maximum vertical pocket', [{ system: loinc, codes: ['11832-3'] }]),
  vs(
    'oligohydramnios',
    'Oligohydramnios / reduced amniotic fluid',
    [{ system: snomed, codes: ['289292001', '59566000'] }],
    [{ system: icd10, prefixes: ['O41.0'] }],
  ),
  vs(
    'polyhydramnios',
    'Polyhydramnios / increased amniotic fluid',
    [{ system: snomed, codes: ['102886001', '86203003'] }],
    [{ system: icd10, prefixes: ['O40'] }],
  ),
  // Fetal anomaly (docs/rules.md#fetal-anomaly)
  vs('major-anomaly', 'Major congenital anomalies', [{ system: snomed, codes: [...MAJOR_ANOMALY] }]),
  // Read only as fetal findings (docs/rules.md#fetal-finding): the woman's own anomaly codes never count.
  vs(
    'fetal-anomaly',
    'Fetal anomaly (a fetal finding: condition, ultrasound or prenatal-diagnosis finding or conclusion)',
    [{ system: snomed, codes: [...new Set(['702709008', ...MAJOR_ANOMALY, ...SEVERE_DEFECT_SNOMED])] }],
    [
      { system: icd10, prefixes: ['O35'], exclude: ['O35.5', 'O35.6'] },
      { system: icd10, prefixes: ['Q'] },
    ],
  ),
  vs(
    'fetal-growth-restriction',
    'Fetal growth restriction (a fetal finding; counts as abnormal fetal development when FGR_IS_ANOMALY)',
    [{ system: snomed, codes: ['22033007'] }],
    [{ system: icd10, prefixes: ['O36.5'] }],
  ),
  // What makes a coded finding one about the fetus (docs/rules.md#fetal-finding).
  vs(
    'fetal-subject-code',
    'Codes about the fetus by definition (maternal care for fetal problems; fetal disorders)',
    [{ system: snomed, codes: ['702709008', '22033007'] }],
    [{ system: icd10, prefixes: ['O35', 'O36'] }],
  ),
  vs('prenatal-examination', 'Obstetric ultrasound or prenatal diagnosis (Observation / DiagnosticReport category or code)', [
    { system: loinc, codes: ['11525-3'] },
    { system: snomed, codes: ['241493005'] },
    { system: SYSTEMS.v2DiagnosticService, codes: ['OUS'] },
    { system: po, codes: ['obstetric-ultrasound', 'prenatal-diagnosis'] },
    { system: prenatalOrder, codes: ['amniocentesis', 'cvs', 'cordocentesis'] },
  ]),
  // A prenatal-diagnosis result: the report of a karyotype, microarray or invasive sampling (docs/rules.md#abnormal-result-notice).
  vs(
    'prenatal-diagnosis-report',
    'Prenatal-diagnosis report (DiagnosticReport category or code: karyotype, microarray, amniocentesis, CVS, cordocentesis)',
    [
      { system: snomed, codes: ['34536000'] },
      { system: po, codes: ['prenatal-diagnosis'] },
      { system: prenatalOrder, codes: ['karyotype', 'chromosomal-microarray', 'amniocentesis', 'cvs', 'cordocentesis'] },
    ],
  ),
  // Follow-up of an indication (docs/design.md#follow-up): the referral, the invasive procedure, the result.
  vs('prenatal-diagnosis-referral', 'Referral for prenatal diagnosis or genetic counselling (ServiceRequest code or category)', [
    { system: prenatalOrder, codes: ['prenatal-diagnosis-referral'] },
  ]),
  vs(
    'prenatal-diagnosis-procedure',
    'Invasive prenatal-diagnosis procedure: amniocentesis, chorionic villus sampling, cordocentesis (Procedure code)',
    [
      { system: snomed, codes: ['34536000'] },
      { system: prenatalOrder, codes: ['amniocentesis', 'cvs', 'cordocentesis'] },
    ],
    // ICD-9-CM-3: 75.1 diagnostic amniocentesis; 75.33 fetal blood sampling and biopsy (cordocentesis, CVS).
    [{ system: icd9cm, prefixes: ['75.1', '75.33'] }],
  ),
  vs('nuchal-translucency', 'Nuchal translucency (mm)', [{ system: po, codes: ['nt-mm'] }]),
  // Teratogen exposure (docs/rules.md#teratogen-exposure)
  vs(
    'teratogen-exposure-condition',
    'Teratogen exposure (coded)',
    [{ system: po, codes: ['exposure-radiation', 'exposure-chemical', 'exposure-infection', 'exposure-drug'] }],
    [{ system: icd10, prefixes: ['O35.5', 'O35.6'] }],
  ),
  vs('exposure-drug', 'Exposure kind: drug', [{ system: po, codes: ['exposure-drug'] }], [{ system: icd10, prefixes: ['O35.5'] }]),
  vs(
    'exposure-radiation',
    'Exposure kind: radiation',
    [{ system: po, codes: ['exposure-radiation'] }],
    [{ system: icd10, prefixes: ['O35.6'] }],
  ),
  vs('exposure-chemical', 'Exposure kind: chemical', [{ system: po, codes: ['exposure-chemical'] }]),
  vs('exposure-infection', 'Exposure kind: infection', [{ system: po, codes: ['exposure-infection'] }]),
  vs('teratogen-medication', 'Teratogenic medications (ATC)', [
    {
      system: atc,
      codes: [
        'D10BA01',
        'N03AG01',
        'B01AA03',
        'L01BA01',
        'L04AX03',
        'L04AX02',
        'L04AA06',
        'L04AA13',
        'N03AF01',
        'N03AB02',
        'N05AN01',
        'J05AP01',
        'A02BB01',
        'H03BB02',
        'H03BB01',
        'N03AX11',
        'D05BB02',
      ],
    },
  ]),
  // A coded concern of this pregnancy, fired whatever its date (docs/rules.md#teratogen-exposure).
  vs(
    'suspected-fetal-damage',
    'Maternal care for suspected fetal damage by drugs or radiation',
    [],
    [{ system: icd10, prefixes: ['O35.5', 'O35.6'] }],
  ),
  // Family history and prior affected birth (docs/rules.md#genetic-family-history, #prior-affected-birth)
  vs(
    'genetic-condition',
    'Genetic conditions (family history)',
    [{ system: snomed, codes: ['409709004', '41040004', '253098009', '13213009', '190905008', '90935002', '40108008', '417357006'] }],
    [{ system: icd10, prefixes: [...CHROMOSOMAL_ICD10, 'Q77', 'Q78', 'Q85', 'Q87', ...MONOGENIC_ICD10, 'D68.0', 'G11'] }],
  ),
  vs(
    'neural-tube-defect',
    'Neural-tube defect (family history of a first-degree relative)',
    [{ system: snomed, codes: ['89369001', '67531005', '55999004'] }],
    [{ system: icd10, prefixes: ['Q00', 'Q01', 'Q05'] }],
  ),
  vs(
    'congenital-or-chromosomal',
    'Severe congenital defect or chromosomal disorder (prior child, 严重缺陷)',
    [{ system: snomed, codes: SEVERE_DEFECT_SNOMED }],
    [{ system: icd10, prefixes: ['Q'], exclude: MINOR_DEFECT_ICD10 }],
  ),
  vs('prior-birth-defect', 'Prior birth of a child with a birth defect', [{ system: po, codes: ['prior-birth-defect'] }]),
  vs('child-relationship', 'Relationship: child of the patient', [{ system: v3RoleCode, codes: ['CHILD', 'SON', 'DAU', 'NCHILD'] }]),
  // Parents, siblings and twins of the woman; the partner and his parents (docs/rules.md#genetic-family-history).
  vs('first-degree-relative', 'Relationship: first-degree relative of either partner (children excluded)', [
    {
      system: v3RoleCode,
      codes: [
        'PRN',
        'NPRN',
        'MTH',
        'NMTH',
        'FTH',
        'NFTH',
        'SIB',
        'NSIB',
        'BRO',
        'NBRO',
        'SIS',
        'NSIS',
        'TWIN',
        'FTWIN',
        'ITWIN',
        'TWINBRO',
        'FTWINBRO',
        'ITWINBRO',
        'TWINSIS',
        'FTWINSIS',
        'ITWINSIS',
        'HUSB',
        'SPS',
        'FTHINLAW',
        'MTHINLAW',
        'PRNINLAW',
      ],
    },
  ]),
  // Screening (docs/rules.md#screening-high-risk)
  vs('screening-t21', 'Trisomy 21 screening risk', [{ system: po, codes: ['t21-risk'] }]),
  vs('screening-t18', 'Trisomy 18 screening risk', [{ system: po, codes: ['t18-risk'] }]),
  vs('screening-t13', 'Trisomy 13 screening risk', [{ system: po, codes: ['t13-risk'] }]),
  vs('screening-nipt', 'NIPT result', [{ system: po, codes: ['nipt-result'] }]),
  vs('afp-mom', 'AFP multiple of the median', [{ system: loinc, codes: ['20450-3'] }]),
  vs('ntd-screening', 'Neural tube defect screening', [{ system: loinc, codes: ['48803-1'] }]),
  // The lab call, codes first (docs/rules.md#lab-call): SNOMED 10828004 positive, 260373001 detected / 260385009 negative, 260415000 not detected.
  vs('high-risk-interpretation', 'High-risk / positive interpretation', [
    { system: v3Interpretation, codes: ['H', 'HH', 'A', 'AA', 'POS'] },
    { system: snomed, codes: ['10828004', '260373001'] },
    { system: po, codes: ['high-risk'] },
  ]),
  vs('low-risk-interpretation', 'Low-risk / normal / negative interpretation', [
    { system: v3Interpretation, codes: ['N', 'L', 'NEG', 'ND'] },
    { system: snomed, codes: ['260385009', '260415000'] },
  ]),
  vs('positive-result', 'Positive result (coded value)', [
    { system: snomed, codes: ['10828004'] },
    { system: v3Interpretation, codes: ['POS'] },
  ]),
  // NIPT pathway (docs/rules.md#nipt default codes; hospital codes via policy.localCodes[<id>])
  vs('nipt-order', 'NIPT order (ServiceRequest code)', [{ system: prenatalOrder, codes: ['nipt'] }]),
  vs('nipt-consent', 'NIPT pre-test counselling and consent (Consent category)', [
    { system: prenatalOrder, codes: ['nipt-counselling-consent'] },
  ]),
  vs('transfusion', 'Allogeneic blood transfusion (Procedure)', [{ system: snomed, codes: ['116859006', '5447007'] }]),
  vs('transplant', 'Transplantation (Procedure)', [{ system: snomed, codes: ['77465005'] }]),
  vs('cell-therapy', 'Allogeneic cell therapy (Procedure)', [{ system: po, codes: ['cell-therapy'] }]),
  vs(
    'malignancy',
    'Malignant neoplasm',
    [{ system: snomed, codes: ['363346000'] }],
    [{ system: icd10, prefixes: Array.from({ length: 98 }, (_, i) => `C${String(i).padStart(2, '0')}`) }],
  ),
  vs(
    'chromosomal-abnormality',
    'Chromosomal abnormality (parent)',
    [{ system: snomed, codes: CHROMOSOMAL_SNOMED }],
    [{ system: icd10, prefixes: CHROMOSOMAL_ICD10 }],
  ),
  vs('husband-relationship', 'Relationship: husband / partner (father of the fetus)', [{ system: v3RoleCode, codes: ['HUSB'] }]),
  vs(
    'monogenic-disorder',
    'Monogenic (single-gene) disorder',
    [{ system: snomed, codes: ['40108008', '90935002', '190905008', '417357006'] }],
    [{ system: icd10, prefixes: MONOGENIC_ICD10 }],
  ),
  vs(
    'prior-chromosomal-child',
    'Chromosomal abnormality of a previous child',
    [{ system: snomed, codes: CHROMOSOMAL_SNOMED }],
    [{ system: icd10, prefixes: CHROMOSOMAL_ICD10 }],
  ),
  vs(
    'ivf',
    'Pregnancy after in-vitro fertilisation',
    [
      { system: snomed, codes: ['63487001'] },
      { system: po, codes: ['ivf'] },
    ],
    [{ system: icd10, prefixes: ['Z31.2'] }],
  ),
  vs('fetus-count', 'Number of fetuses (observation code)', [
    { system: loinc, codes: ['55281-0'] },
    { system: snomed, codes: ['246435002'] },
  ]),
  vs(
    'multiple-pregnancy',
    'Multiple pregnancy',
    [{ system: snomed, codes: ['16356006', '65147003'] }],
    [{ system: icd10, prefixes: ['O30'] }],
  ),
  vs('bmi', 'Body mass index', [{ system: loinc, codes: ['39156-5'] }]),
  vs('rh-type', 'Rh type (observation code)', [{ system: loinc, codes: ['10331-7'] }]),
  vs('rh-negative', 'Rh negative', [{ system: snomed, codes: ['165747007'] }]),
  vs('threatened-abortion', 'Threatened abortion', [], [{ system: icd10, prefixes: ['O20.0'] }]),
  vs('bleeding-disorder', 'Bleeding tendency / coagulation disorder', [{ system: po, codes: ['bleeding-disorder'] }]),
  vs('chronic-infection', 'Active chronic infection', [{ system: po, codes: ['chronic-infection-active'] }]),
  // An Observation coded as a finding whose value says the finding is absent/negative (docs/rules.md#usable-evidence).
  vs('finding-absent', 'Finding absent / negative (value that negates an observation code)', [
    { system: snomed, codes: ['2667000', '260385009', '373067005'] },
    { system: v3Interpretation, codes: ['NEG'] },
  ]),
];

export const VALUE_SETS: Readonly<Record<string, ValueSetDefinition>> = Object.freeze(Object.fromEntries(LIST.map((v) => [v.id, v])));
