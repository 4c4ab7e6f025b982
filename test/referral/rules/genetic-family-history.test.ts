import { describe, expect, it } from 'vitest';
import { SYSTEMS } from '../../../src/clinical/codes.js';
import { geneticFamilyHistoryRule } from '../../../src/referral/rules/genetic-family-history.js';
import { code, familyHistory, icd, paramsOf, policy, pregnant, run, sct, snapshotOf } from '../../clinical/fixtures.js';

const cn = (c: string) => code(SYSTEMS.icd10cn, c);

/**
 * docs/rules.md#genetic-family-history: FamilyMemberHistory (either side) with a genetic-set condition
 * (SNOMED and ICD-10, clinical-edition extensions included), or a neural-tube defect in a
 * first-degree relative; a child's severe / chromosomal code is prior-affected-birth instead.
 */
describe('genetic-family-history', () => {
  it.each([
    ['mother, Down syndrome 41040004', 'MTH', sct('41040004'), 'fired'],
    ["husband's side (brother-in-law), thalassaemia 40108008", 'BROINLAW', sct('40108008'), 'fired'],
    ['husband, chromosomal 409709004', 'HUSB', sct('409709004'), 'fired'],
    ['sister, haemophilia 90935002', 'SIS', sct('90935002'), 'fired'],
    ['brother, β-thalassaemia ICD-10 D56.1', 'BRO', icd('D56.1'), 'fired'],
    ['brother, β-thalassaemia clinical edition D56.100x003 (icd-10-cn)', 'BRO', cn('D56.100x003'), 'fired'],
    ['cousin, α-thalassaemia D56.0', 'COUSN', icd('D56.0'), 'fired'],
    ['nephew, Down syndrome (a sibling’s child: family history)', 'NEPHEW', sct('41040004'), 'fired'],
    ['uncle, haemophilia A D66', 'UNCLE', cn('D66.x00'), 'fired'],
    ['maternal uncle, haemophilia B D67', 'MUNCLE', icd('D67'), 'fired'],
    ['mother, von Willebrand D68.0', 'MTH', icd('D68.0'), 'fired'],
    ['father, acquired coagulation factor deficiency D68.4 (not hereditary)', 'FTH', icd('D68.4'), 'not-fired'],
    ['sister, phenylketonuria E70.0', 'SIS', icd('E70.0'), 'fired'],
    ['brother, cystic fibrosis E84.9', 'BRO', icd('E84.9'), 'fired'],
    ['father, hypokalaemia E87.6 (not inherited)', 'FTH', icd('E87.6'), 'not-fired'],
    ['grandfather, Huntington disease G10', 'GRFTH', icd('G10'), 'fired'],
    ['brother, hereditary ataxia G11.1', 'BRO', icd('G11.1'), 'fired'],
    ['sister, spinal muscular atrophy G12.0', 'SIS', cn('G12.000'), 'fired'],
    ['brother, Duchenne muscular dystrophy G71.0', 'BRO', cn('G71.001'), 'fired'],
    ["husband's brother, achondroplasia Q77.4", 'BROINLAW', icd('Q77.4'), 'fired'],
    ['mother, neurofibromatosis Q85.0', 'MTH', icd('Q85.0'), 'fired'],
    ['aunt, Marfan syndrome Q87.4', 'AUNT', icd('Q87.4'), 'fired'],
    ['husband, balanced translocation Q95.0', 'HUSB', icd('Q95.0'), 'fired'],
    ['brother, ventricular septal defect Q21.0 (not the genetic set)', 'BRO', icd('Q21.0'), 'not-fired'],
    ['father, hypertension (not genetic set)', 'FTH', sct('38341003'), 'not-fired'],
    // Neural-tube defects count in a first-degree relative of either partner only.
    ['brother, spina bifida Q05.9', 'BRO', icd('Q05.9'), 'fired'],
    ['mother, anencephaly 89369001', 'MTH', sct('89369001'), 'fired'],
    ['husband, encephalocele Q01.9', 'HUSB', icd('Q01.9'), 'fired'],
    ["husband's mother, spina bifida Q05.2", 'MTHINLAW', icd('Q05.2'), 'fired'],
    ['cousin, spina bifida Q05.9 (not first-degree)', 'COUSN', icd('Q05.9'), 'not-fired'],
    ['uncle, anencephaly Q00.0 (not first-degree)', 'UNCLE', icd('Q00.0'), 'not-fired'],
    // A child's severe or chromosomal code is prior-affected-birth, not family history.
    ['son, Down syndrome 41040004', 'SON', sct('41040004'), 'not-fired'],
    ['daughter, Q90.900', 'DAU', cn('Q90.900'), 'not-fired'],
    ['child, spina bifida Q05.9', 'CHILD', icd('Q05.9'), 'not-fired'],
    ['son, β-thalassaemia D56.1 (a genetic disease, not a birth defect)', 'SON', icd('D56.1'), 'fired'],
  ])('%s → %s', (_n, rel, coding, status) => {
    const f = familyHistory(rel, coding);
    const o = run(geneticFamilyHistoryRule, pregnant([f]));
    expect(o.status).toBe(status);
    if (status === 'fired') {
      expect(paramsOf(o)).toMatchObject({
        items: [{ reference: `FamilyMemberHistory/${f.id}`, relationship: { code: rel }, code: { code: coding.code } }],
      });
      expect(o.status === 'fired' && o.findings[0]).toMatchObject({
        citation: 'ZJ-2023 Art.24(4); PDM Art.17(4)',
        evidence: [`FamilyMemberHistory/${f.id}`],
      });
    }
  });

  it('an invalid date alone → insufficient-data; with a usable item it still fires', () => {
    const bad = familyHistory('BRO', icd('D56.1'), { date: '2020-02-30' });
    expect(run(geneticFamilyHistoryRule, pregnant([bad])).status).toBe('insufficient-data');
    expect(run(geneticFamilyHistoryRule, pregnant([bad, familyHistory('SIS', icd('D56.1'))])).status).toBe('fired');
  });

  it('history item: an old record still counts (not scoped to the pregnancy)', () => {
    expect(run(geneticFamilyHistoryRule, pregnant([familyHistory('MTH', sct('41040004'), { date: '2010-01-01' })])).status).toBe('fired');
  });

  it('entered-in-error does not count', () => {
    expect(run(geneticFamilyHistoryRule, pregnant([familyHistory('MTH', sct('41040004'), { status: 'entered-in-error' })])).status).toBe(
      'not-fired',
    );
  });

  it('local codes from policy', () => {
    const pol = policy({ localCodes: { 'genetic-condition': [{ system: 'urn:oid:1.2.156.hosp', code: 'YC-9' }] } });
    expect(run(geneticFamilyHistoryRule, pregnant([familyHistory('MTH', code('urn:oid:1.2.156.hosp', 'YC-9'))]), pol).status).toBe('fired');
  });

  it('no history → not-fired; not pregnant → not-applicable', () => {
    expect(run(geneticFamilyHistoryRule, pregnant([])).status).toBe('not-fired');
    expect(run(geneticFamilyHistoryRule, snapshotOf([familyHistory('MTH', sct('41040004'))])).status).toBe('not-applicable');
  });
});
