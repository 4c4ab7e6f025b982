import { describe, expect, it } from 'vitest';
import { geneticFamilyHistoryRule } from '../../../src/referral/rules/genetic-family-history.js';
import { code, familyHistory, paramsOf, policy, pregnant, run, sct, snapshotOf } from '../../clinical/fixtures.js';

/** docs/rules.md#genetic-family-history: FamilyMemberHistory (either side) with a genetic-set condition. */
describe('genetic-family-history', () => {
  it.each([
    ['mother, Down syndrome 41040004', 'MTH', sct('41040004'), 'fired'],
    ["husband's side (brother-in-law), thalassaemia 40108008", 'BROINLAW', sct('40108008'), 'fired'],
    ['husband, chromosomal 409709004', 'HUSB', sct('409709004'), 'fired'],
    ['sister, haemophilia 90935002', 'SIS', sct('90935002'), 'fired'],
    ['father, hypertension (not genetic set)', 'FTH', sct('38341003'), 'not-fired'],
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
