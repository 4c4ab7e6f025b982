import type { Procedure, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import {
  clinical,
  code,
  condition,
  familyHistory,
  icd,
  local,
  loinc,
  nt,
  observation,
  patient,
  risk,
  sct,
  SUBJECT,
  ucum,
} from '../clinical/fixtures.js';
import { daysAgo, eddForGa, evaluate, findingOf, type Scenario } from './support.js';

/** One row per docs/rules.md#nipt reason: fires / does not fire / boundary. */
let seq = 0;
function procedure(coding: ReturnType<typeof sct>, performed: string | undefined, status: Procedure['status'] = 'completed'): Procedure {
  return {
    resourceType: 'Procedure',
    id: `proc-${++seq}`,
    status,
    subject: SUBJECT,
    code: { coding: [coding] },
    ...(performed ? { performedDateTime: performed } : {}),
  };
}
const bmi = (value: number) => observation(loinc('39156-5'), { valueQuantity: ucum(value, 'kg/m2') }, { date: '2025-05-20' });
const fetuses = (n: number) => observation(loinc('55281-0'), { valueInteger: n }, { date: '2025-05-20' });
const rh = (c: ReturnType<typeof sct>) => observation(loinc('10331-7'), { valueCodeableConcept: { coding: [c] } }, { date: '2025-03-20' });
const t21 = (valueString: string) => risk('t21-risk', { valueString });

interface Row {
  name: string;
  scenario: Scenario;
  fires: string[];
  silent?: string[];
}

const R = (...resources: Resource[]): Scenario => ({ resources });

const ROWS: Row[] = [
  { name: 'GA 11+6 is too early', scenario: { edd: eddForGa(11, 6) }, fires: ['nipt-ga-too-early'] },
  { name: 'GA 12+0 opens the window', scenario: { edd: eddForGa(12, 0) }, fires: [], silent: ['nipt-ga-too-early'] },
  {
    name: 'GA 22+6 is still inside',
    scenario: { edd: eddForGa(22, 6), resources: [t21('1:5000')] },
    fires: [],
    silent: ['nipt-ga-too-late'],
  },
  { name: 'GA 23+0 is too late', scenario: { edd: eddForGa(23, 0), resources: [t21('1:5000')] }, fires: ['nipt-ga-too-late'] },
  { name: 'chromosomal disorder of the woman', scenario: R(condition(sct('409709004'))), fires: ['nipt-parental-chromosomal-abnormality'] },
  {
    name: "husband's chromosomal abnormality",
    scenario: R(familyHistory('HUSB', sct('409709004'))),
    fires: ['nipt-parental-chromosomal-abnormality'],
  },
  {
    name: "her father's chromosomal disorder is not parental",
    scenario: R(familyHistory('FTH', sct('409709004'))),
    fires: [],
    silent: ['nipt-parental-chromosomal-abnormality'],
  },
  {
    name: 'transfusion 364 days ago',
    scenario: R(procedure(sct('116859006'), daysAgo(364))),
    fires: ['nipt-recent-transfusion-transplant'],
  },
  { name: 'transfusion 365 days ago', scenario: R(procedure(sct('5447007'), daysAgo(365))), fires: ['nipt-recent-transfusion-transplant'] },
  {
    name: 'transfusion 366 days ago',
    scenario: R(procedure(sct('116859006'), daysAgo(366))),
    fires: [],
    silent: ['nipt-recent-transfusion-transplant'],
  },
  { name: 'transplant 100 days ago', scenario: R(procedure(sct('77465005'), daysAgo(100))), fires: ['nipt-recent-transfusion-transplant'] },
  {
    name: 'cell therapy 30 days ago',
    scenario: R(procedure(local('cell-therapy'), daysAgo(30))),
    fires: ['nipt-recent-transfusion-transplant'],
  },
  {
    name: 'a transfusion not done',
    scenario: R(procedure(sct('116859006'), daysAgo(10), 'not-done')),
    fires: [],
    silent: ['nipt-recent-transfusion-transplant'],
  },
  {
    name: 'fetal anomaly O35.0',
    scenario: R(condition(icd('O35.0'), { recordedDate: '2025-05-20' })),
    fires: ['nipt-fetal-structural-anomaly'],
  },
  { name: 'NT 3.0 mm', scenario: R(nt(3.0, { date: '2025-04-20' })), fires: ['nipt-fetal-structural-anomaly'] },
  { name: 'NT 2.9 mm', scenario: R(nt(2.9, { date: '2025-04-20' })), fires: [], silent: ['nipt-fetal-structural-anomaly'] },
  { name: 'monogenic disorder in the family', scenario: R(familyHistory('MTH', sct('40108008'))), fires: ['nipt-monogenic-risk'] },
  { name: 'active breast cancer C50.9', scenario: R(condition(icd('C50.9'))), fires: ['nipt-maternal-malignancy'] },
  { name: 'C97 is in C00–C97', scenario: R(condition(icd('C97'))), fires: ['nipt-maternal-malignancy'] },
  { name: 'SNOMED malignant neoplasm', scenario: R(condition(sct('363346000'))), fires: ['nipt-maternal-malignancy'] },
  {
    name: 'resolved malignancy',
    scenario: R(condition(icd('C50.9'), { clinicalStatus: clinical('resolved') })),
    fires: [],
    silent: ['nipt-maternal-malignancy'],
  },
  { name: 'D05 (in situ) is not C00–C97', scenario: R(condition(icd('D05.1'))), fires: [], silent: ['nipt-maternal-malignancy'] },
  {
    name: 'T21 1/270 is high risk, not intermediate',
    scenario: R(t21('1/270')),
    fires: ['nipt-screening-high-risk'],
    silent: ['nipt-intermediate-risk'],
  },
  { name: 'T21 1/271 is intermediate', scenario: R(t21('1/271')), fires: ['nipt-intermediate-risk'], silent: ['nipt-screening-high-risk'] },
  { name: 'T21 1/1000 is intermediate', scenario: R(t21('1:1,000')), fires: ['nipt-intermediate-risk'] },
  { name: 'T21 1/1001 is low risk', scenario: R(t21('1/1001')), fires: [], silent: ['nipt-intermediate-risk', 'nipt-screening-high-risk'] },
  { name: '35 at the EDD', scenario: { patient: patient({ birthDate: '1990-11-02' }) }, fires: ['nipt-ama'] },
  { name: '34 at the EDD', scenario: { patient: patient({ birthDate: '1990-11-03' }) }, fires: [], silent: ['nipt-ama'] },
  { name: 'BMI 40', scenario: R(bmi(40)), fires: [], silent: ['nipt-severe-obesity'] },
  { name: 'BMI 40.1', scenario: R(bmi(40.1)), fires: ['nipt-severe-obesity'] },
  { name: 'IVF pregnancy (Z31.2)', scenario: R(condition(icd('Z31.2'), { recordedDate: '2025-01-10' })), fires: ['nipt-ivf'] },
  { name: 'IVF pregnancy (SNOMED procedure)', scenario: R(procedure(sct('63487001'), '2025-02-10')), fires: ['nipt-ivf'] },
  {
    name: 'an IVF cycle two years ago',
    scenario: R(condition(icd('Z31.2'), { recordedDate: '2023-05-01' })),
    fires: [],
    silent: ['nipt-ivf'],
  },
  { name: 'a son with Down syndrome', scenario: R(familyHistory('SON', sct('41040004'))), fires: ['nipt-prior-chromosomal-child'] },
  {
    name: 'a brother with Down syndrome',
    scenario: R(familyHistory('BRO', sct('41040004'))),
    fires: [],
    silent: ['nipt-prior-chromosomal-child'],
  },
  { name: 'two fetuses', scenario: R(fetuses(2)), fires: ['nipt-multiple-pregnancy'] },
  { name: 'one fetus', scenario: R(fetuses(1)), fires: [], silent: ['nipt-multiple-pregnancy'] },
  {
    name: 'twin pregnancy O30.0',
    scenario: R(condition(icd('O30.0'), { recordedDate: '2025-04-01' })),
    fires: ['nipt-multiple-pregnancy'],
  },
  { name: 'Rh negative typing', scenario: R(rh(sct('260385009'))), fires: ['nipt-invasive-contraindication'] },
  { name: 'Rh positive typing', scenario: R(rh(sct('10828004'))), fires: [], silent: ['nipt-invasive-contraindication'] },
  {
    name: 'threatened abortion O20.0',
    scenario: R(condition(icd('O20.0'), { recordedDate: '2025-03-01' })),
    fires: ['nipt-invasive-contraindication'],
  },
  { name: 'bleeding disorder', scenario: R(condition(local('bleeding-disorder'))), fires: ['nipt-invasive-contraindication'] },
  {
    name: 'active chronic infection',
    scenario: R(condition(local('chronic-infection-active'))),
    fires: ['nipt-invasive-contraindication'],
  },
  { name: 'GA 21+0 without serum screening', scenario: { edd: eddForGa(21, 0) }, fires: ['nipt-late-missed-screening'] },
  { name: 'GA 20+6 without serum screening', scenario: { edd: eddForGa(20, 6) }, fires: [], silent: ['nipt-late-missed-screening'] },
  {
    name: 'GA 21+0 with a serum screening result',
    scenario: { edd: eddForGa(21, 0), resources: [t21('1/5000')] },
    fires: [],
    silent: ['nipt-late-missed-screening'],
  },
  // Fetal vs maternal, prior child vs family history, ICD-10 as Chinese EHRs send it (docs/rules.md#fetal-finding).
  {
    name: "the woman's own cleft lip (SNOMED 80281008) is not a fetal anomaly",
    scenario: R(condition(sct('80281008'), { recordedDate: '2025-05-20' })),
    fires: [],
    silent: ['nipt-fetal-structural-anomaly'],
  },
  {
    name: 'a cleft lip marked as a fetal finding',
    scenario: R(
      condition(sct('80281008'), {
        recordedDate: '2025-05-20',
        extension: [{ url: 'http://prenatal-cds.org/fhir/StructureDefinition/fetal-finding', valueBoolean: true }],
      }),
    ),
    fires: ['nipt-fetal-structural-anomaly'],
  },
  {
    name: 'fetal growth restriction O36.500x001 alone is not a structural anomaly',
    scenario: R(condition(code('http://hl7.org/fhir/sid/icd-10-cn', 'O36.500x001'), { recordedDate: '2025-05-20' })),
    fires: [],
    silent: ['nipt-fetal-structural-anomaly'],
  },
  {
    name: 'a brother with β-thalassaemia D56.100 (icd-10-cn)',
    scenario: R(familyHistory('BRO', code('http://hl7.org/fhir/sid/icd-10-cn', 'D56.100'))),
    fires: ['nipt-monogenic-risk'],
  },
  { name: 'a sister with SMA G12.0', scenario: R(familyHistory('SIS', icd('G12.0'))), fires: ['nipt-monogenic-risk'] },
  {
    name: 'a son with Q90.900',
    scenario: R(familyHistory('SON', code('http://hl7.org/fhir/sid/icd-10-cn', 'Q90.900'))),
    fires: ['nipt-prior-chromosomal-child'],
  },
  {
    name: 'husband with a balanced translocation Q95.0',
    scenario: R(familyHistory('HUSB', icd('Q95.0'))),
    fires: ['nipt-parental-chromosomal-abnormality'],
  },
  {
    name: 'a fetal karyotype 47,XX,+21 (Q90.0 from amniocentesis) is a fetal finding, not parental',
    scenario: R(
      observation(code('http://prenatal-cds.org/fhir/CodeSystem/prenatal-order', 'amniocentesis'), {
        valueCodeableConcept: { coding: [icd('Q90.0')], text: '47,XX,+21' },
      }),
    ),
    fires: ['nipt-fetal-structural-anomaly'],
    silent: ['nipt-parental-chromosomal-abnormality'],
  },
];

describe('NIPT reasons (docs/rules.md#nipt), one row each', () => {
  it.each(ROWS)('$name', async (row) => {
    const ev = await evaluate(row.scenario);
    expect(ev.errors).toEqual([]);
    for (const r of row.fires) expect(ev.reasons).toContain(r);
    for (const r of row.silent ?? []) expect(ev.reasons).not.toContain(r);
    if (row.fires.length === 0) expect(ev.reasons).toEqual([]);
  });
});

describe('NIPT reason params and evidence', () => {
  it('GA reasons carry GA, limit and the EDD evidence', async () => {
    const f = findingOf(await evaluate({ edd: eddForGa(11, 6) }), 'nipt-ga-too-early');
    expect(f.params).toMatchObject({ gaDays: 83, ga: '11+6', limit: '12+0', limitDays: 84, edd: eddForGa(11, 6) });
    expect(f.citation).toBe('ZJ-2023 Art.28; NIPT-2016');
    expect(f.evidence[0]).toMatch(/^Observation\//);
  });

  it('transfusion: kinds, days ago and the Procedure', async () => {
    const p = procedure(sct('116859006'), daysAgo(364));
    const f = findingOf(await evaluate(R(p)), 'nipt-recent-transfusion-transplant');
    expect(f.params).toMatchObject({ kinds: ['transfusion'], daysAgo: 364, windowDays: 365 });
    expect(f.evidence).toEqual([`Procedure/${p.id}`]);
  });

  it('an undated transfusion is reported, not guessed', async () => {
    const ev = await evaluate(R(procedure(sct('116859006'), undefined)));
    expect(ev.outcomes['nipt-recent-transfusion-transplant']).toMatchObject({ status: 'insufficient-data' });
  });

  it('intermediate risk: test, N, cut-off and lower bound', async () => {
    const f = findingOf(await evaluate(R(t21('1/271'))), 'nipt-intermediate-risk');
    expect(f.params).toMatchObject({ test: 't21', riskN: 271, cutoffN: 270, lowerN: 1000 });
  });

  it('re-uses the referral decision for anomaly, screening and age (basedOn)', async () => {
    const ev = await evaluate({ resources: [t21('1/100')], patient: patient({ birthDate: '1985-01-01' }) });
    expect(findingOf(ev, 'nipt-screening-high-risk').params['basedOn']).toMatchObject({ rule: 'screening-high-risk' });
    expect(findingOf(ev, 'nipt-ama').params).toMatchObject({ ageYears: 40, basedOn: { rule: 'ama' } });
  });

  it('invasive contraindication lists every kind', async () => {
    const ev = await evaluate(R(rh(sct('260385009')), condition(icd('O20.0'), { recordedDate: '2025-03-01' })));
    expect(findingOf(ev, 'nipt-invasive-contraindication').params['kinds']).toEqual(['rh-negative', 'threatened-abortion']);
  });

  it('Rh typing written as text (阴性) counts', async () => {
    const o = observation(loinc('10331-7'), { valueString: 'Rh(D)阴性' }, { date: '2025-03-20' });
    expect((await evaluate(R(o))).reasons).toContain('nipt-invasive-contraindication');
  });

  it('a hospital code extends a value set through policy', async () => {
    const hospital = code('http://hospital.example/codes', 'ZL-001');
    const ev = await evaluate(R(condition(hospital)), {
      policy: { localCodes: { malignancy: [{ system: 'http://hospital.example/codes', code: 'ZL-001' }] } },
    });
    expect(ev.reasons).toContain('nipt-maternal-malignancy');
  });

  it('the policy moves the BMI threshold', async () => {
    expect((await evaluate(R(bmi(36)), { policy: { NIPT_BMI_MAX: 35 } })).reasons).toContain('nipt-severe-obesity');
  });
});
