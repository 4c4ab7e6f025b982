import type {
  Bundle,
  CodeableConcept,
  Coding,
  Condition,
  DiagnosticReport,
  FamilyMemberHistory,
  MedicationStatement,
  Observation,
  Patient,
  Quantity,
  Resource,
} from '@medplum/fhirtypes';
import { mulberry32 } from '../support/prng.js';

/**
 * A corpus of prenatal records shaped the way Chinese obstetric EHRs export them — ICD-10 national
 * clinical-edition codes (extra digits, `icd-10-cn` or `icd-10` system, with or without a display),
 * Chinese units and free-text lab calls, per-fetus twin measurements, partial dates, revised EDDs,
 * Bundles in no particular order — each record built around ONE situation with the outcome the
 * rules must give (docs/rules.md, issue "[A 2/7]"). Deterministic for a seed.
 *
 * Every record: a woman (born 1998 unless the situation is about age) with an ultrasound-dated EDD
 * and a clinical EDD revised a week later, at 24+0 on the clinical EDD on TODAY, a pregnancy
 * Condition, an MRN, and the situation's resources.
 */
export const TODAY = '2026-11-23';
/** Final (clinical) EDD: GA 24+0 on TODAY. LMP 2026-06-08. */
export const EDD = '2027-03-15';
export const LMP = '2026-06-08';
export const TZ = 'Asia/Shanghai';

const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
const ICD10_CN = 'http://hl7.org/fhir/sid/icd-10-cn';
const SNOMED = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';
const ATC = 'http://www.whocc.no/atc';
const UCUM = 'http://unitsofmeasure.org';
const V3_ROLE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';
const V3_INTERP = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
const LOCAL = 'http://prenatal-cds.org/fhir/CodeSystem/prenatal-observation';
const OBS_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const MRN = 'http://hospital.example.cn/fhir/sid/mrn';

export type Expected = 'fires' | 'silent' | 'undecided';

/** One record and what each named rule must decide on it (every other referral rule: silent). */
export interface CorpusRecord {
  readonly name: string;
  /** The issue point the situation comes from. */
  readonly point: string;
  readonly patientId: string;
  readonly bundle: Bundle;
  readonly expect: Readonly<Record<string, Expected>>;
  /** The whole answer must hold no referral finding (e.g. pregnancy status unclear). */
  readonly noReferral?: boolean;
}

interface Ctx {
  readonly pid: string;
  readonly pick: <T>(xs: readonly T[]) => T;
  readonly id: (prefix: string) => string;
}

const subject = (c: Ctx) => ({ reference: `Patient/${c.pid}` });
const cc = (coding: Coding[], text?: string): CodeableConcept => (text ? { coding, text } : { coding });

/** An ICD-10 coding as Chinese EHRs send it: clinical-edition digits, either system, display in Chinese or none. */
function icd(c: Ctx, code: string, display: string): Coding {
  const system = c.pick([ICD10, ICD10_CN]);
  return c.pick([true, false]) ? { system, code, display } : { system, code };
}

function obs(c: Ctx, code: Coding, value: Partial<Observation>, date: string, extra: Partial<Observation> = {}): Observation {
  return {
    resourceType: 'Observation',
    id: c.id('obs'),
    status: 'final',
    category: [cc([{ system: OBS_CATEGORY, code: code.system === LOCAL ? 'laboratory' : 'imaging' }])],
    code: cc([code]),
    subject: subject(c),
    effectiveDateTime: date,
    ...value,
    ...extra,
  };
}

function condition(c: Ctx, code: Coding, text: string, extra: Partial<Condition> = {}): Condition {
  return {
    resourceType: 'Condition',
    id: c.id('cond'),
    clinicalStatus: cc([{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }]),
    verificationStatus: cc([{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }]),
    code: cc([code], text),
    subject: subject(c),
    ...extra,
  };
}

function relative(c: Ctx, role: string, roleText: string, code: Coding, text: string): FamilyMemberHistory {
  return {
    resourceType: 'FamilyMemberHistory',
    id: c.id('fmh'),
    status: 'completed',
    patient: subject(c),
    relationship: cc([{ system: V3_ROLE, code: role }], roleText),
    condition: [{ code: cc([code], text) }],
  };
}

function medication(c: Ctx, atc: string, name: string, start: string, end: string): MedicationStatement {
  return {
    resourceType: 'MedicationStatement',
    id: c.id('ms'),
    status: 'completed',
    medicationCodeableConcept: cc([{ system: ATC, code: atc, display: name }], name),
    subject: subject(c),
    effectivePeriod: { start, end },
  };
}

function ultrasoundReport(c: Ctx, conclusion: Coding, text: string, date: string): DiagnosticReport {
  return {
    resourceType: 'DiagnosticReport',
    id: c.id('dr'),
    status: 'final',
    category: [cc([{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'RAD' }], '超声')],
    code: cc([{ system: LOINC, code: '11525-3', display: 'US Pelvis Fetus for pregnancy' }], '产科超声检查'),
    subject: subject(c),
    effectiveDateTime: date,
    conclusion: text,
    conclusionCode: [cc([conclusion], text)],
  };
}

const length = (value: number, unit: string, code?: string): Quantity => (code ? { value, unit, system: UCUM, code } : { value, unit });
const afi = (c: Ctx, q: Quantity | undefined, date: string, extra: Partial<Observation> = {}) =>
  obs(c, { system: LOINC, code: '11627-7', display: 'Amniotic fluid index' }, q ? { valueQuantity: q } : { valueString: '' }, date, extra);
const risk = (c: Ctx, localCode: string, value: Partial<Observation>, date = '2026-09-10') =>
  obs(c, { system: LOCAL, code: localCode }, value, date);

/** The situations: each a builder of its resources, the patient's birth date, and what must follow. */
interface Situation {
  readonly name: string;
  readonly point: string;
  readonly birthDate?: string;
  /** Clinical EDD instead of EDD (post-term). */
  readonly edd?: string;
  readonly resources: (c: Ctx) => Resource[];
  readonly expect: Readonly<Record<string, Expected>>;
  readonly noReferral?: boolean;
}

const SITUATIONS: readonly Situation[] = [
  // Point 1: the woman's own conditions are not fetal anomalies.
  {
    name: 'mother with her own cleft lip (SNOMED), recorded this pregnancy',
    point: '1',
    resources: (c) => [
      condition(c, { system: SNOMED, code: '80281008', display: 'Cleft lip' }, '唇裂（孕妇本人，幼年已修复）', {
        recordedDate: '2026-09-01',
      }),
    ],
    expect: { 'fetal-anomaly': 'silent' },
  },
  {
    name: 'O35.0 maternal care for CNS malformation, clinical-edition code',
    point: '1',
    resources: (c) => [
      condition(c, icd(c, 'O35.000', '孕期胎儿中枢神经系统畸形的孕产妇医疗'), '胎儿中枢神经系统畸形', { recordedDate: '2026-10-20' }),
    ],
    expect: { 'fetal-anomaly': 'fires' },
  },
  {
    name: 'fetal growth restriction O36.5',
    point: '1',
    resources: (c) => [condition(c, icd(c, 'O36.500x001', '胎儿生长受限'), '胎儿生长受限', { recordedDate: '2026-11-10' })],
    expect: { 'fetal-anomaly': 'fires' },
  },
  {
    name: 'obstetric ultrasound concludes fetal cleft lip',
    point: '1',
    resources: (c) => [ultrasoundReport(c, { system: SNOMED, code: '80281008' }, '胎儿唇裂', '2026-10-28')],
    expect: { 'fetal-anomaly': 'fires' },
  },
  // Point 2: a prior affected birth is not family history.
  {
    name: 'son with Down syndrome',
    point: '2',
    resources: (c) => [relative(c, 'SON', '儿子', { system: SNOMED, code: '41040004' }, '21-三体综合征')],
    expect: { 'prior-affected-birth': 'fires', 'genetic-family-history': 'silent' },
  },
  {
    name: 'daughter with spina bifida (ICD-10 Q05)',
    point: '2',
    resources: (c) => [relative(c, 'DAU', '女儿', icd(c, 'Q05.900', '脊柱裂'), '脊柱裂')],
    expect: { 'prior-affected-birth': 'fires', 'genetic-family-history': 'silent' },
  },
  {
    name: 'son with polydactyly only (minor defect)',
    point: '2',
    resources: (c) => [relative(c, 'SON', '儿子', icd(c, 'Q69.900', '多指'), '多指（趾）')],
    expect: { 'prior-affected-birth': 'silent', 'genetic-family-history': 'silent' },
  },
  // Point 3: ICD-10 as Chinese EHRs code it.
  {
    name: 'brother with β-thalassaemia D56.1',
    point: '3',
    resources: (c) => [relative(c, 'BRO', '哥哥', icd(c, 'D56.100', '重型β地中海贫血'), '重型β地中海贫血')],
    expect: { 'genetic-family-history': 'fires' },
  },
  {
    name: 'child with Down syndrome Q90.9',
    point: '3',
    resources: (c) => [relative(c, 'CHILD', '孩子', icd(c, 'Q90.900', '21-三体综合征'), '唐氏综合征')],
    expect: { 'prior-affected-birth': 'fires', 'genetic-family-history': 'silent' },
  },
  {
    name: "husband's sister with haemophilia A D66",
    point: '3',
    resources: (c) => [relative(c, 'SIS', '丈夫的姐姐', icd(c, 'D66.x00', '血友病A'), '血友病A')],
    expect: { 'genetic-family-history': 'fires' },
  },
  // Point 4: negation and lab wording.
  {
    name: 'T21 "非高风险" as free text',
    point: '4',
    resources: (c) => [risk(c, 't21-risk', { valueString: '非高风险' })],
    expect: { 'screening-high-risk': 'silent' },
  },
  {
    name: 'T21 "not high risk" as free text',
    point: '4',
    resources: (c) => [risk(c, 't21-risk', { valueString: 'not high risk' })],
    expect: { 'screening-high-risk': 'silent' },
  },
  {
    name: 'T21 "高风险" as free text',
    point: '4',
    resources: (c) => [risk(c, 't21-risk', { valueString: '高风险' })],
    expect: { 'screening-high-risk': 'fires' },
  },
  {
    name: 'lab call N but risk 1/100',
    point: '4',
    resources: (c) => [risk(c, 't21-risk', { valueString: '1/100', interpretation: [cc([{ system: V3_INTERP, code: 'N' }])] })],
    expect: { 'screening-high-risk': 'undecided' },
  },
  {
    name: 'NIPT positive for T21',
    point: '4',
    resources: (c) => [
      risk(
        c,
        'nipt-result',
        {
          valueCodeableConcept: cc([{ system: SNOMED, code: '10828004', display: 'Positive' }], 'T21 高风险'),
          interpretation: [cc([{ system: V3_INTERP, code: 'POS' }])],
        },
        '2026-09-20',
      ),
    ],
    expect: { 'screening-high-risk': 'fires' },
  },
  // Point 5: units and values.
  { name: 'AFI "4 厘米"', point: '5', resources: (c) => [afi(c, length(4, '厘米'), '2026-11-20')], expect: { 'amniotic-fluid': 'fires' } },
  { name: 'AFI 40 毫米', point: '5', resources: (c) => [afi(c, length(40, '毫米'), '2026-11-20')], expect: { 'amniotic-fluid': 'fires' } },
  {
    name: 'AFI 4 CM (upper case)',
    point: '5',
    resources: (c) => [afi(c, length(4, 'CM'), '2026-11-20')],
    expect: { 'amniotic-fluid': 'fires' },
  },
  {
    name: 'AFI 12 cm (UCUM)',
    point: '5',
    resources: (c) => [afi(c, length(12, 'cm', 'cm'), '2026-11-20')],
    expect: { 'amniotic-fluid': 'silent' },
  },
  {
    name: 'AFI 4.6 without any unit',
    point: '5',
    resources: (c) => [afi(c, { value: 4.6 }, '2026-11-20')],
    expect: { 'amniotic-fluid': 'undecided' },
  },
  {
    name: 'T21 risk "1：150" (full-width colon)',
    point: '5',
    resources: (c) => [risk(c, 't21-risk', { valueString: '1：150' })],
    expect: { 'screening-high-risk': 'fires' },
  },
  {
    name: 'T21 risk as integer 150 (1/150)',
    point: '5',
    resources: (c) => [risk(c, 't21-risk', { valueInteger: 150 })],
    expect: { 'screening-high-risk': 'fires' },
  },
  {
    name: 'T21 risk as integer 5000 (1/5000)',
    point: '5',
    resources: (c) => [risk(c, 't21-risk', { valueInteger: 5000 })],
    expect: { 'screening-high-risk': 'silent' },
  },
  // Point 6: twins and the time course.
  {
    name: 'twins, same day: fetus A 12 cm, fetus B 3.5 cm',
    point: '6',
    resources: (c) => [
      afi(c, length(12, 'cm', 'cm'), '2026-11-20', { bodySite: cc([{ system: LOCAL, code: 'fetus-a' }], '胎儿A') }),
      afi(c, length(3.5, 'cm', 'cm'), '2026-11-20', { bodySite: cc([{ system: LOCAL, code: 'fetus-b' }], '胎儿B') }),
    ],
    expect: { 'amniotic-fluid': 'fires' },
  },
  {
    name: 'AFI 4.0 cm on 11-01 then 9.0 cm on 11-20',
    point: '6',
    resources: (c) => [afi(c, length(4.0, 'cm', 'cm'), '2026-11-01'), afi(c, length(9.0, 'cm', 'cm'), '2026-11-20')],
    expect: { 'amniotic-fluid': 'fires' },
  },
  {
    name: 'oligohydramnios O41.0, now resolved',
    point: '6',
    resources: (c) => [
      condition(c, icd(c, 'O41.000', '羊水过少'), '羊水过少', {
        recordedDate: '2026-10-15',
        clinicalStatus: cc([{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }]),
      }),
    ],
    expect: { 'amniotic-fluid': 'fires' },
  },
  // Point 7: exposures.
  {
    name: 'O35.5 recorded this pregnancy without a date',
    point: '7',
    resources: (c) => [condition(c, icd(c, 'O35.500', '孕期药物所致胎儿损害的孕产妇医疗'), '孕早期服用药物')],
    expect: { 'teratogen-exposure': 'fires' },
  },
  {
    name: 'isotretinoin stopped 20 days before the LMP',
    point: '7',
    resources: (c) => [medication(c, 'D10BA01', '异维A酸', '2026-03-01', '2026-05-19')],
    expect: { 'teratogen-exposure': 'fires' },
  },
  {
    name: 'isotretinoin stopped 60 days before the LMP',
    point: '7',
    resources: (c) => [medication(c, 'D10BA01', '异维A酸', '2026-01-01', '2026-04-09')],
    expect: { 'teratogen-exposure': 'silent' },
  },
  {
    name: 'methimazole in the first trimester',
    point: '7',
    resources: (c) => [medication(c, 'H03BB02', '甲巯咪唑', '2026-06-20', '2026-08-30')],
    expect: { 'teratogen-exposure': 'fires' },
  },
  // Point 8: could not decide.
  {
    name: 'birthDate "1992" (year only): 34 or 35 at the EDD',
    point: '8',
    birthDate: '1992',
    resources: () => [],
    expect: { ama: 'undecided' },
  },
  {
    name: 'birthDate "1990" (year only): 36 or 37 at the EDD',
    point: '8',
    birthDate: '1990',
    resources: () => [],
    expect: { ama: 'fires' },
  },
  {
    name: 'birthDate 1991-02 (month) clearly 36 at the EDD',
    point: '8',
    birthDate: '1991-02',
    resources: () => [],
    expect: { ama: 'fires' },
  },
  { name: 'birthDate 1992-05-01: 34 at the EDD', point: '8', birthDate: '1992-05-01', resources: () => [], expect: { ama: 'silent' } },
  // Point 9: a pregnancy that should have ended.
  {
    name: '16 days past the EDD, no delivery recorded, 38 years old',
    point: '9',
    birthDate: '1988-01-01',
    edd: '2026-11-07',
    resources: () => [],
    expect: {},
    noReferral: true,
  },
];

/** Every situation once per variant: `variants` records each, with other ids, codings and Bundle orders. */
export function generateCorpus(seed = 20261206, variants = 3): CorpusRecord[] {
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const out: CorpusRecord[] = [];
  let n = 0;
  for (let v = 0; v < variants; v++) {
    for (const s of SITUATIONS) {
      const pid = `zj-${String(++n).padStart(5, '0')}`;
      let k = 0;
      const c: Ctx = { pid, pick, id: (prefix) => `${prefix}-${pid}-${++k}` };
      out.push({
        name: s.name,
        point: s.point,
        patientId: pid,
        bundle: record(c, s, random),
        expect: s.expect,
        ...(s.noReferral ? { noReferral: true } : {}),
      });
    }
  }
  return out;
}

function record(c: Ctx, s: Situation, random: () => number): Bundle {
  const edd = s.edd ?? EDD;
  const patient: Patient = {
    resourceType: 'Patient',
    id: c.pid,
    identifier: [{ system: MRN, value: `MRN${c.pid.slice(3)}` }],
    name: [{ text: c.pick(['张丽', '王芳', '李娜', '刘洋', '陈静']) }],
    gender: 'female',
    birthDate: s.birthDate ?? '1998-06-01',
  };
  const eddUltrasound = obs(
    c,
    { system: LOINC, code: '11781-2', display: 'Delivery date Estimated from ultrasound' },
    { valueDateTime: shiftDays(edd, 6) },
    '2026-08-10',
  );
  const eddClinical = obs(c, { system: LOINC, code: '11778-8', display: 'Delivery date Estimated' }, { valueDateTime: edd }, '2026-08-17');
  const pregnancy = condition(c, { system: SNOMED, code: '77386006', display: 'Pregnant' }, '妊娠状态', { recordedDate: '2026-07-20' });
  const resources: Resource[] = [patient, eddUltrasound, eddClinical, pregnancy, ...s.resources(c)];
  // The EHR's export order is not ours: shuffle (Fisher–Yates with the corpus PRNG).
  for (let i = resources.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [resources[i], resources[j]] = [resources[j]!, resources[i]!];
  }
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: resources.length,
    entry: resources.map((r) => ({
      fullUrl: `https://emr.hospital.example.cn/fhir/${r.resourceType}/${r.id}`,
      resource: r,
      search: { mode: 'match' },
    })),
  };
}

function shiftDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
