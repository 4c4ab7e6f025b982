import type { Procedure } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { SYSTEMS } from '../../src/clinical/codes.js';
import { derivePregnancyFacts } from '../../src/clinical/pregnancy/derive-facts.js';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { evaluateReferral } from '../../src/referral/evaluate.js';
import { addDays } from '../../src/calendar/index.js';
import {
  afi,
  cc,
  clinical,
  code,
  condition,
  eddObs,
  episode,
  familyHistory,
  icd,
  loinc,
  nowOn,
  observation,
  patient,
  policy,
  sct,
  snapshotOf,
  SUBJECT,
  TODAY,
  verification,
} from '../clinical/fixtures.js';

/**
 * Pregnancy status unclear (docs/rules.md#pregnancy-status-unclear). Today 2025-06-01; an EDD 15
 * days ago (2025-05-17) is GA 42+1, 14 days ago (2025-05-18) GA 42+0. The woman is 35 at any of
 * these EDDs (born 1989-05-05), so `ama` would fire.
 */
const OLD = patient({ birthDate: '1989-05-05' });
const eddDaysAgo = (n: number) => eddObs(addDays(TODAY, -n), { date: '2024-10-01' });
const facts = (resources: Parameters<typeof snapshotOf>[0], pol = DEFAULT_POLICY) =>
  derivePregnancyFacts(snapshotOf(resources, OLD), pol, nowOn());
const evaluate = (resources: Parameters<typeof snapshotOf>[0], pol = DEFAULT_POLICY) =>
  evaluateReferral(snapshotOf(resources, OLD), pol, nowOn());
const procedure = (snomed: string, status: Procedure['status'], performed: string): Procedure => ({
  resourceType: 'Procedure',
  id: `proc-${snomed}-${status}`,
  status,
  subject: SUBJECT,
  code: cc(sct(snomed)),
  performedDateTime: performed,
});
const undated = (() => {
  const { recordedDate: _r, ...c } = condition(code(SYSTEMS.icd10cn, 'Z37.000', '单胎活产'));
  return c;
})();
const liveBirth = (onset: string) =>
  condition(code(SYSTEMS.icd10cn, 'Z37.000', '单胎活产'), { onsetDateTime: onset, clinicalStatus: clinical('resolved') });

describe('pregnancy facts past the EDD', () => {
  it.each([
    ['14 days past (GA 42+0)', 14, undefined],
    ['15 days past (GA 42+1)', 15, { daysPastEdd: 15, limitDays: 14 }],
    ['42 days past (the outer bound)', 42, { daysPastEdd: 42, limitDays: 14 }],
  ])('%s', (_n, days, unclear) => {
    const f = facts([eddDaysAgo(days)]);
    expect(f.current).toBe(true);
    expect(f.statusUnclear).toEqual(unclear);
    expect(f.gaDays).toBe(280 + days);
  });

  it('43 days past: an earlier pregnancy (not current, no EDD)', () => {
    expect(facts([eddDaysAgo(43)])).toEqual({ current: false, currentEvidence: [] });
  });

  it.each([
    ['a live birth Z37.000 (ICD-10-CN) after the LMP', [liveBirth('2025-05-20')]],
    ['a delivery O80 Condition', [condition(icd('O80.000'), { onsetDateTime: '2025-05-21' })]],
    ['a completed caesarean section Procedure (SNOMED 11466000)', [procedure('11466000', 'completed', '2025-05-19')]],
    [
      'a finished pregnancy EpisodeOfCare ending after the LMP',
      [{ ...episode(sct('77386006'), 'finished'), period: { start: '2024-09-01', end: '2025-05-22' } }],
    ],
    [
      'a "not pregnant" status after the LMP',
      [observation(loinc('82810-3'), { valueCodeableConcept: cc(sct('60001007')) }, { date: '2025-05-25' })],
    ],
  ])('ended by %s: not current', (_n, ends) => {
    expect(facts([eddDaysAgo(15), ...ends]).current).toBe(false);
  });

  it.each([
    ['a live birth dated before the LMP (an earlier pregnancy)', [liveBirth('2024-03-01')]],
    ['a year-only live birth straddling the LMP', [liveBirth('2024')]],
    ['an undated live birth', [undated]],
    ['a refuted live birth', [{ ...liveBirth('2025-05-20'), verificationStatus: verification('refuted') }]],
    ['a caesarean section still in preparation', [procedure('11466000', 'preparation', '2025-05-19')]],
  ])('not ended by %s: status unclear', (_n, ends) => {
    expect(facts([eddDaysAgo(15), ...ends]).statusUnclear).toEqual({ daysPastEdd: 15, limitDays: 14 });
  });

  it('POSTTERM_MAX_DAYS is a policy parameter', () => {
    expect(facts([eddDaysAgo(15)], policy({ POSTTERM_MAX_DAYS: 21 })).statusUnclear).toBeUndefined();
    expect(facts([eddDaysAgo(8)], policy({ POSTTERM_MAX_DAYS: 7 })).statusUnclear).toEqual({ daysPastEdd: 8, limitDays: 7 });
  });
});

describe('evaluateReferral on an unclear pregnancy', () => {
  it('no finding; every rule that would fire is undecided with the reason and the EDD as evidence', () => {
    const edd = eddDaysAgo(15);
    const low = afi(4.2, 'cm', { date: '2025-05-10' });
    const e = evaluate([edd, low, familyHistory('BRO', sct('40108008'))]);
    expect(e.findings).toEqual([]);
    expect(e.audited).toEqual([]);
    expect(e.undecided.map((u) => u.rule)).toEqual(['ama', 'amniotic-fluid', 'genetic-family-history']);
    const reason = 'pregnancy status unclear: 15 days past the EDD with no delivery recorded (EDD 2025-05-17)';
    for (const u of e.undecided) {
      expect(u.reason).toBe(reason);
      expect(u.evidence[0]).toBe(`Observation/${edd.id}`);
    }
    expect(e.undecided[1]!.evidence).toContain(`Observation/${low.id}`);
    expect(e.outcomes['ama']).toMatchObject({ status: 'insufficient-data', reason });
    expect(e.outcomes['fetal-anomaly']).toEqual({ status: 'not-fired' });
  });

  it('nothing would fire: nothing undecided (the answer is the same whether or not she is pregnant)', () => {
    const e = evaluateReferral(snapshotOf([eddDaysAgo(15)], patient()), DEFAULT_POLICY, nowOn());
    expect(e.findings).toEqual([]);
    expect(e.undecided).toEqual([]);
  });

  it('at the limit (GA 42+0) the rules fire as usual', () => {
    expect(evaluate([eddDaysAgo(14)]).findings.map((f) => f.rule)).toEqual(['ama']);
  });
});
