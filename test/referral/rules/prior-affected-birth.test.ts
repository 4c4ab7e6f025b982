import { describe, expect, it } from 'vitest';
import { priorAffectedBirthRule } from '../../../src/referral/rules/prior-affected-birth.js';
import { condition, familyHistory, local, paramsOf, pregnant, run, sct, snapshotOf } from '../../clinical/fixtures.js';

/** docs/rules.md#prior-affected-birth: child (CHILD/SON/DAU/NCHILD) with a congenital/chromosomal code, or local prior-birth-defect. */
describe('prior-affected-birth', () => {
  it.each([
    ['SON with 70156005', 'SON', sct('70156005'), 'fired'],
    ['DAU with 276720006', 'DAU', sct('276720006'), 'fired'],
    ['CHILD with 409709004', 'CHILD', sct('409709004'), 'fired'],
    ['NCHILD with 87979003', 'NCHILD', sct('87979003'), 'fired'],
    ['MTH with 70156005 (not a child)', 'MTH', sct('70156005'), 'not-fired'],
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

  it('entered-in-error does not count', () => {
    expect(run(priorAffectedBirthRule, pregnant([familyHistory('SON', sct('70156005'), { status: 'entered-in-error' })])).status).toBe(
      'not-fired',
    );
  });

  it('not pregnant → not-applicable', () => {
    expect(run(priorAffectedBirthRule, snapshotOf([familyHistory('SON', sct('70156005'))])).status).toBe('not-applicable');
  });
});
