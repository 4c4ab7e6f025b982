import { describe, expect, it } from 'vitest';
import { SYSTEMS } from '../../src/clinical/codes.js';
import { derivePregnancyFacts } from '../../src/clinical/pregnancy/derive-facts.js';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import {
  cc,
  clinical,
  condition,
  EDD,
  eddObs,
  episode,
  local,
  loinc,
  LMP,
  nowOn,
  observation,
  patient,
  PID,
  sct,
  snapshotOf,
  ucum,
  verification,
} from './fixtures.js';

const facts = (...args: Parameters<typeof snapshotOf>) => derivePregnancyFacts(snapshotOf(...args), DEFAULT_POLICY, nowOn());
const status = (value: string, date: string) => observation(loinc('82810-3'), { valueCodeableConcept: cc(sct(value)) }, { date });

describe('derivePregnancyFacts — best EDD and GA', () => {
  it('clinical EDD: LMP, GA today, pregnancy key', () => {
    const edd = eddObs(EDD);
    const f = facts([edd]);
    expect(f).toMatchObject({
      current: true,
      edd: { date: EDD, source: 'clinical', reference: `Observation/${edd.id}` },
      lmp: LMP,
      gaDays: 158,
      ga: '22+4',
      pregnancyKey: `Patient/${PID}|${EDD}`,
    });
    expect(f.currentEvidence).toEqual([`Observation/${edd.id}`]);
  });

  it.each([
    [
      '11778-8 beats 11781-2',
      [
        ['11778-8', '2025-10-01'],
        ['11781-2', '2025-10-05'],
      ],
      '2025-10-01',
      'clinical',
    ],
    [
      '11781-2 beats 11779-6',
      [
        ['11779-6', '2025-10-09'],
        ['11781-2', '2025-10-05'],
      ],
      '2025-10-05',
      'ultrasound',
    ],
    [
      '11779-6 beats 11780-4',
      [
        ['11779-6', '2025-10-09'],
        ['11780-4', '2025-10-07'],
      ],
      '2025-10-09',
      'lmp-edd',
    ],
    ['11780-4 alone', [['11780-4', '2025-10-07']], '2025-10-07', 'ovulation'],
  ])('%s', (_n, list, date, source) => {
    const f = facts(list.map(([c, d]) => eddObs(d!, { loincCode: c! })));
    expect(f.edd).toMatchObject({ date, source });
  });

  it('LMP + 280 d, then GA projected from its effective date', () => {
    expect(facts([observation(loinc('8665-2'), { valueDateTime: '2024-12-20' })]).edd).toMatchObject({ date: '2025-09-26', source: 'lmp' });
    // GA 12+0 (84 d) on 2025-03-19 ⇒ EDD 2025-03-19 + 196 d = 2025-10-01
    expect(facts([observation(loinc('11884-4'), { valueQuantity: ucum(84, 'd') }, { date: '2025-03-19' })]).edd).toMatchObject({
      date: '2025-10-01',
      source: 'ga',
    });
    expect(facts([observation(loinc('18185-9'), { valueQuantity: ucum(12, 'wk') }, { date: '2025-03-19' })]).edd?.date).toBe('2025-10-01');
  });

  it('within a class the most recent usable one wins; entered-in-error ignored', () => {
    const f = facts([
      eddObs('2025-10-01', { date: '2025-02-01' }),
      eddObs('2025-10-04', { date: '2025-04-01' }),
      eddObs('2025-10-20', { date: '2025-05-01', status: 'entered-in-error' }),
    ]);
    expect(f.edd?.date).toBe('2025-10-04');
  });

  it("a previous pregnancy's clinical EDD does not beat this pregnancy's ultrasound EDD", () => {
    const f = facts([eddObs('2022-08-01', { date: '2022-01-10' }), eddObs('2025-10-05', { loincCode: '11781-2', date: '2025-03-01' })]);
    expect(f.edd).toMatchObject({ date: '2025-10-05', source: 'ultrasound' });
  });

  it('an invalid EDD value is skipped (bad data), the next class is used', () => {
    const f = facts([eddObs('2025-02-30'), eddObs('2025-10-05', { loincCode: '11781-2' })]);
    expect(f.edd?.date).toBe('2025-10-05');
  });
});

describe('derivePregnancyFacts — current pregnancy (docs/rules.md#current-pregnancy)', () => {
  it.each([
    ['EDD today − 14 d', '2025-05-18', true],
    ['EDD today − 42 d (past the post-term limit: status unclear)', '2025-04-20', true],
    ['EDD today − 43 d', '2025-04-19', false],
    ['EDD today + 300 d', '2026-03-28', true],
    ['EDD today + 301 d', '2026-03-29', false],
  ])('%s', (_n, edd, current) => {
    expect(facts([eddObs(edd, { date: '2025-05-01' })]).current).toBe(current);
  });

  it('no evidence ⇒ not pregnant', () => {
    expect(facts([])).toEqual({ current: false, currentEvidence: [] });
  });

  it('pregnancy status 77386006 in the last 300 days', () => {
    expect(facts([status('77386006', '2025-03-01')])).toMatchObject({ current: true });
    expect(facts([status('77386006', '2024-08-04')]).current).toBe(false);
    expect(facts([status('60001007', '2025-03-01')]).current).toBe(false);
  });

  it('a later "not pregnant" status ends the pregnancy', () => {
    expect(facts([eddObs(EDD, { date: '2025-03-01' }), status('60001007', '2025-05-01')]).current).toBe(false);
    expect(facts([status('60001007', '2025-02-01'), eddObs(EDD, { date: '2025-03-01' })]).current).toBe(true);
  });

  it('active pregnancy Condition; not resolved, refuted or entered-in-error', () => {
    expect(facts([condition(sct('77386006'))])).toMatchObject({ current: true });
    expect(facts([condition(sct('77386006'), { clinicalStatus: clinical('resolved') })]).current).toBe(false);
    expect(facts([condition(sct('77386006'), { verificationStatus: verification('entered-in-error') })]).current).toBe(false);
    expect(facts([condition(sct('77386006'), { verificationStatus: verification('refuted') })]).current).toBe(false);
  });

  it('EpisodeOfCare of type pregnancy: active only; key is the episode without an EDD', () => {
    const e = episode(local('pregnancy-episode'));
    expect(facts([e])).toMatchObject({ current: true, pregnancyKey: `EpisodeOfCare/${e.id}` });
    expect(facts([episode(sct('77386006'))]).current).toBe(true);
    expect(facts([episode(sct('77386006'), 'planned')]).current).toBe(false);
    expect(facts([episode(sct('77386006'), 'waitlist')]).current).toBe(false);
    expect(facts([episode(sct('77386006'), 'finished')]).current).toBe(false);
  });

  it('an active pregnancy EpisodeOfCare is the key even with an EDD in the window; the facts keep the EDD', () => {
    const e = episode(sct('77386006'));
    expect(facts([eddObs(EDD), e])).toMatchObject({ current: true, edd: { date: EDD }, pregnancyKey: `EpisodeOfCare/${e.id}` });
    // a finished episode is not the key
    expect(facts([eddObs(EDD), episode(sct('77386006'), 'finished')])).toMatchObject({ pregnancyKey: `Patient/${PID}|${EDD}` });
  });

  it("a stale EDD is not this pregnancy's EDD even when a Condition says pregnant", () => {
    const f = facts([eddObs('2023-01-01', { date: '2022-06-01' }), condition(sct('77386006'))]);
    expect(f.current).toBe(true);
    expect(f.edd).toBeUndefined();
    expect(f.lmp).toBeUndefined();
  });

  it('a male patient is never pregnant', () => {
    expect(facts([eddObs(EDD), condition(sct('77386006'))], patient({ gender: 'male' }))).toEqual({ current: false, currentEvidence: [] });
  });

  it('an EDD dateTime with offset is read in the clinic zone', () => {
    expect(facts([eddObs('2025-09-30T18:00:00Z')]).edd?.date).toBe('2025-10-01');
  });

  it('code systems: a LOINC code under another system is not an EDD', () => {
    expect(facts([observation({ system: SYSTEMS.snomed, code: '11778-8' }, { valueDateTime: EDD })]).current).toBe(false);
  });
});
