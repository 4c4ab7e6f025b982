import { describe, expect, it } from 'vitest';
import { SYSTEMS } from '../../../src/clinical/codes.js';
import { geneticFamilyHistoryRule } from '../../../src/referral/rules/genetic-family-history.js';
import { priorAffectedBirthRule } from '../../../src/referral/rules/prior-affected-birth.js';
import { code, condition, familyHistory, icd, local, paramsOf, policy, pregnant, run, sct, snapshotOf } from '../../clinical/fixtures.js';

const cn = (c: string) => code(SYSTEMS.icd10cn, c);

/**
 * docs/rules.md#prior-affected-birth: a child (CHILD/SON/DAU/NCHILD) with a severe congenital defect
 * (严重缺陷; ICD-10 Q00–Q99 but the minor defects) or a chromosomal code, or local prior-birth-defect.
 */
describe('prior-affected-birth', () => {
  it.each([
    ['SON with 70156005', 'SON', sct('70156005'), 'fired'],
    ['DAU with 276720006', 'DAU', sct('276720006'), 'fired'],
    ['CHILD with 409709004', 'CHILD', sct('409709004'), 'fired'],
    ['NCHILD with 87979003', 'NCHILD', sct('87979003'), 'fired'],
    ['SON with Down syndrome 41040004', 'SON', sct('41040004'), 'fired'],
    ['SON with trisomy 18 51500006', 'SON', sct('51500006'), 'fired'],
    ['DAU with limb reduction 67341007', 'DAU', sct('67341007'), 'fired'],
    ['CHILD with ICD-10 Q90.9', 'CHILD', icd('Q90.9'), 'fired'],
    ['SON with clinical-edition Q90.900 (icd-10-cn)', 'SON', cn('Q90.900'), 'fired'],
    ['DAU with spina bifida Q05.9', 'DAU', icd('Q05.9'), 'fired'],
    ['SON with anencephaly Q00.0', 'SON', cn('Q00.000'), 'fired'],
    ['DAU with hydrocephalus Q03.9', 'DAU', icd('Q03.9'), 'fired'],
    ['SON with cleft lip and palate Q37.9', 'SON', icd('Q37.9'), 'fired'],
    ['SON with oesophageal atresia Q39.1', 'SON', icd('Q39.1'), 'fired'],
    ['DAU with anorectal atresia Q42.3', 'DAU', icd('Q42.3'), 'fired'],
    ['SON with diaphragmatic hernia Q79.0', 'SON', icd('Q79.0'), 'fired'],
    ['SON with gastroschisis Q79.3', 'SON', icd('Q79.3'), 'fired'],
    ['DAU with tetralogy of Fallot Q21.3', 'DAU', icd('Q21.3'), 'fired'],
    ['CHILD with conjoined twins Q89.4', 'CHILD', icd('Q89.4'), 'fired'],
    // Minor defects are not 严重缺陷 by default.
    ['SON with hypospadias Q54.9', 'SON', icd('Q54.9'), 'not-fired'],
    ['SON with hypospadias 416010008', 'SON', sct('416010008'), 'not-fired'],
    ['DAU with polydactyly Q69.0', 'DAU', cn('Q69.000'), 'not-fired'],
    ['DAU with syndactyly Q70.3', 'DAU', icd('Q70.3'), 'not-fired'],
    ['SON with an accessory auricle Q17.0', 'SON', icd('Q17.0'), 'not-fired'],
    ['MTH with 70156005 (not a child)', 'MTH', sct('70156005'), 'not-fired'],
    ['NEPHEW with Down syndrome (a sibling’s child is not hers)', 'NEPHEW', sct('41040004'), 'not-fired'],
    ['NIECE with Q90.9', 'NIECE', icd('Q90.9'), 'not-fired'],
    ['SON with β-thalassaemia D56.1 (genetic, not a birth defect)', 'SON', icd('D56.1'), 'not-fired'],
    ['SON with an unrelated code', 'SON', sct('38341003'), 'not-fired'],
  ])('%s → %s', (_n, rel, coding, status) => {
    const o = run(priorAffectedBirthRule, pregnant([familyHistory(rel, coding, { date: '2019-05-01' })]));
    expect(o.status).toBe(status);
    if (status === 'fired') expect(paramsOf(o)).toMatchObject({ items: [{ relationship: { code: rel }, date: '2019-05-01' }] });
  });

  it('local prior-birth-defect code: on a FamilyMemberHistory or on the woman', () => {
    expect(run(priorAffectedBirthRule, pregnant([familyHistory('CHILD', local('prior-birth-defect'))])).status).toBe('fired');
    expect(run(priorAffectedBirthRule, pregnant([condition(local('prior-birth-defect'), { recordedDate: '2018-01-01' })])).status).toBe(
      'fired',
    );
  });

  it('a child with a severe or chromosomal code is prior-affected-birth only, never genetic-family-history', () => {
    for (const coding of [sct('41040004'), cn('Q90.900'), icd('Q05.9'), sct('409709004'), icd('Q87.1')]) {
      const s = pregnant([familyHistory('SON', coding)]);
      expect(run(priorAffectedBirthRule, s).status, coding.code).toBe('fired');
      expect(run(geneticFamilyHistoryRule, s).status, coding.code).toBe('not-fired');
    }
  });

  it('a minor defect is added by policy (an ICD-10 local code covers its clinical-edition extensions)', () => {
    const pol = policy({ localCodes: { 'congenital-or-chromosomal': [{ system: SYSTEMS.icd10, code: 'Q54' }] } });
    expect(run(priorAffectedBirthRule, pregnant([familyHistory('SON', cn('Q54.000x001'))]), pol).status).toBe('fired');
    expect(run(priorAffectedBirthRule, pregnant([familyHistory('SON', cn('Q54.000x001'))])).status).toBe('not-fired');
  });

  it('an invalid date alone → insufficient-data', () => {
    expect(run(priorAffectedBirthRule, pregnant([familyHistory('SON', icd('Q90.9'), { date: '2019-02-30' })])).status).toBe(
      'insufficient-data',
    );
  });

  it('entered-in-error does not count', () => {
    expect(run(priorAffectedBirthRule, pregnant([familyHistory('SON', sct('70156005'), { status: 'entered-in-error' })])).status).toBe(
      'not-fired',
    );
  });

  it('not pregnant → not-applicable', () => {
    expect(run(priorAffectedBirthRule, snapshotOf([familyHistory('SON', sct('70156005'))])).status).toBe('not-applicable');
  });
});
