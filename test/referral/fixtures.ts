import type { Patient } from '@medplum/fhirtypes';
import { clinicalNowAt, type ClinicalNow } from '../../src/clock.js';
import type { PregnancyFacts, ReferralParamsByRule } from '../../src/clinical/finding-params.js';
import { parsePolicy, type Policy } from '../../src/clinical/policy.js';
import type { Finding } from '../../src/engine/rule.js';
import type { ReferralRuleId } from '../../src/engine/rule-ids.js';

/** Hand-built referral findings, exactly per src/clinical/finding-params.ts. */

export const NOW: ClinicalNow = clinicalNowAt(new Date('2026-03-10T02:00:00Z'), 'Asia/Shanghai');

export const FACTS: PregnancyFacts = {
  current: true,
  currentEvidence: ['Observation/edd1'],
  edd: { date: '2026-08-01', source: 'ultrasound', reference: 'Observation/edd1' },
  lmp: '2025-10-25',
  gaDays: 136,
  ga: '19+3',
  pregnancyKey: 'Patient/p1|2026-08-01',
};

export const POLICY: Policy = parsePolicy({
  institution: { id: 'org-1', name: '杭州市某区妇幼保健院' },
  referralInstitution: {
    id: 'org-pd',
    name: '浙江大学医学院附属妇产科医院产前诊断中心',
    address: '杭州市上城区学士路1号',
    phone: '0571-00000000',
  },
});

export function patient(overrides: Partial<Patient> = {}): Patient {
  return {
    resourceType: 'Patient',
    id: 'p1',
    gender: 'female',
    birthDate: '1990-05-20',
    name: [
      { use: 'usual', text: 'Hong Wang' },
      { use: 'official', family: '王', given: ['小红'] },
    ],
    ...overrides,
  };
}

const PARAMS: { readonly [R in ReferralRuleId]: ReferralParamsByRule[R] } = {
  ama: {
    ageYears: 36,
    threshold: 35,
    comparator: '>=',
    reference: 'edd',
    referenceDate: '2026-08-01',
    birthDate: '1990-05-20',
    items: [{ reference: 'Patient/p1', date: '1990-05-20' }],
  },
  'amniotic-fluid': {
    kind: 'oligohydramnios',
    decidedBy: 'afi',
    thresholdCm: 5,
    items: [
      {
        reference: 'Observation/afi1',
        date: '2026-03-01T09:30:00+08:00',
        code: { system: 'http://loinc.org', code: '11627-7', display: 'Amniotic fluid index' },
        value: 4.2,
        unit: 'cm',
      },
    ],
  },
  'fetal-anomaly': {
    sources: ['condition', 'nt'],
    ntThresholdMm: 3,
    items: [
      {
        reference: 'Condition/c1',
        date: '2026-02-20',
        code: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'O35.0', display: '胎儿中枢神经系统畸形' },
        text: '侧脑室增宽',
      },
      { reference: 'Observation/nt1', date: '2026-01-15', value: 3.4, unit: 'mm' },
    ],
  },
  'teratogen-exposure': {
    kinds: ['medication'],
    windowStart: '2025-10-25',
    windowEnd: '2026-01-30',
    items: [
      {
        reference: 'MedicationStatement/m1',
        date: '2025-11-20',
        code: { system: 'http://www.whocc.no/atc', code: 'D10BA01', display: 'isotretinoin' },
      },
    ],
  },
  'genetic-family-history': {
    items: [
      {
        reference: 'FamilyMemberHistory/f1',
        code: { system: 'http://snomed.info/sct', code: '190905008', display: 'Cystic fibrosis' },
        relationship: { system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'MTH', display: 'mother' },
      },
    ],
  },
  'prior-affected-birth': {
    items: [
      {
        reference: 'FamilyMemberHistory/f2',
        code: { system: 'http://snomed.info/sct', code: '41040004', display: 'Down syndrome' },
        relationship: { system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'SON' },
      },
    ],
  },
  'screening-high-risk': {
    decidedBy: 'cutoff',
    test: 't21',
    riskN: 120,
    cutoffN: 270,
    items: [
      {
        reference: 'Observation/s1',
        date: '2026-02-28',
        code: { system: 'http://prenatal-cds.org/fhir/CodeSystem/prenatal-observation', code: 't21-risk' },
      },
    ],
  },
  'abnormal-result-notice': {
    kinds: ['chromosomal'],
    ethicsReview: false,
    ethicsReviewGaDays: 196,
    gaDays: 136,
    items: [
      {
        reference: 'DiagnosticReport/kt1',
        date: '2026-03-06',
        code: { system: 'http://hl7.org/fhir/sid/icd-10-cn', code: 'Q90.000', display: '21三体综合征' },
        text: '47,XX,+21，胎儿21三体综合征',
        kind: 'chromosomal',
        performer: 'Organization/org-pd',
        performerName: '浙江大学医学院附属妇产科医院',
      },
    ],
  },
};

const CITATIONS: Readonly<Record<ReferralRuleId, string>> = {
  ama: 'ZJ-2023 Art.24(5); PDM Art.17(5)',
  'amniotic-fluid': 'ZJ-2023 Art.24(1); PDM Art.17(1)',
  'fetal-anomaly': 'ZJ-2023 Art.24(2); PDM Art.17(2)',
  'teratogen-exposure': 'ZJ-2023 Art.24(3); PDM Art.17(3)',
  'genetic-family-history': 'ZJ-2023 Art.24(4); PDM Art.17(4)',
  'prior-affected-birth': 'ZJ-2023 Art.24(4); PDM Art.17(4)',
  'screening-high-risk': 'ZJ-2023 Art.9, Art.23; PDM Art.16',
  'abnormal-result-notice': 'ZJ-2023 Art.27',
};

/** A finding of `rule`, with optional params replaced. */
export function finding<R extends ReferralRuleId>(rule: R, params?: Partial<ReferralParamsByRule[R]>): Finding {
  const p = { ...PARAMS[rule], ...params } as ReferralParamsByRule[R];
  const items = (p as { items: readonly { reference: string }[] }).items;
  return { rule, citation: CITATIONS[rule], evidence: items.map((i) => i.reference), params: p as unknown as Record<string, unknown> };
}

/** The rules of the Art. 25 referral card: every referral rule but `abnormal-result-notice`, which has its own Art. 27 card. */
export const ART25_RULE_IDS: readonly ReferralRuleId[] = (Object.keys(PARAMS) as ReferralRuleId[]).filter(
  (r) => r !== 'abnormal-result-notice',
);

/** One finding of each Art. 25 rule. */
export const ALL_FINDINGS: readonly Finding[] = ART25_RULE_IDS.map((r) => finding(r));

/** Deterministic ids: id-1, id-2, … */
export function idSequence(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

/** Payloads that must come out escaped wherever patient text is rendered. */
export const INJECTION = '<script>alert(1)</script>**bold**[x](javascript:alert(1))<img src=x onerror=alert(1)>';
