import { describe, expect, it } from 'vitest';
import { amaRule } from '../../../src/referral/rules/ama.js';
import {
  condition,
  EDD,
  eddObs,
  nowOn,
  paramsOf,
  patient,
  policy,
  pregnant,
  run,
  sct,
  snapshotOf,
  TODAY,
} from '../../clinical/fixtures.js';

/** docs/rules.md#ama: full years at the best EDD ≥ 35 (policy: threshold, comparator, reference). EDD = 2025-10-01, today = 2025-06-01. */
describe('ama', () => {
  const withBirth = (birthDate: string | undefined) =>
    pregnant([], patient(birthDate === undefined ? { birthDate: undefined } : { birthDate }));

  it.each([
    ['35th birthday the day before the EDD', '1990-09-30', 'fired', 35],
    ['35th birthday on the EDD', '1990-10-01', 'fired', 35],
    ['35th birthday the day after the EDD (34 at EDD)', '1990-10-02', 'not-fired', undefined],
    ['34 at today, 35 at EDD', '1990-07-01', 'fired', 35],
    ['well over', '1980-01-01', 'fired', 45],
    ['young', '1998-01-01', 'not-fired', undefined],
  ])('%s (%s) → %s', (_n, birthDate, status, age) => {
    const o = run(amaRule, withBirth(birthDate));
    expect(o.status).toBe(status);
    if (age !== undefined) {
      expect(paramsOf(o)).toMatchObject({
        ageYears: age,
        threshold: 35,
        comparator: '>=',
        reference: 'edd',
        referenceDate: EDD,
        birthDate,
      });
      expect(o.status === 'fired' && o.findings[0]).toMatchObject({ rule: 'ama', citation: 'ZJ-2023 Art.24(5); PDM Art.17(5)' });
      expect(o.status === 'fired' && o.findings[0]!.evidence).toContain('Patient/p1');
    }
  });

  it("`>` comparator via policy (the law's 「超过」): 35 at EDD no longer fires, 36 does", () => {
    const strict = policy({ AMA_COMPARATOR: '>' });
    expect(run(amaRule, withBirth('1990-10-01'), strict).status).toBe('not-fired');
    expect(paramsOf(run(amaRule, withBirth('1989-10-01'), strict))).toMatchObject({ ageYears: 36, comparator: '>' });
  });

  it('threshold from policy', () => {
    expect(run(amaRule, withBirth('1992-01-01'), policy({ AMA_AGE_YEARS: 33 })).status).toBe('fired');
  });

  it('AMA_REFERENCE=today: age today', () => {
    const o = run(amaRule, withBirth('1990-10-01'), policy({ AMA_REFERENCE: 'today' }));
    expect(o.status).toBe('not-fired');
    expect(paramsOf(run(amaRule, withBirth('1990-06-01'), policy({ AMA_REFERENCE: 'today' })))).toMatchObject({
      reference: 'today',
      referenceDate: TODAY,
      ageYears: 35,
    });
  });

  it('no EDD: falls back to today and says so', () => {
    const snap = snapshotOf([condition(sct('77386006'))], patient({ birthDate: '1990-06-01' }));
    expect(paramsOf(run(amaRule, snap))).toMatchObject({ reference: 'today', referenceDate: TODAY, ageYears: 35 });
    const younger = snapshotOf([condition(sct('77386006'))], patient({ birthDate: '1990-07-01' }));
    expect(run(amaRule, younger).status).toBe('not-fired');
  });

  it.each([
    ['year only, 34 or 35 at EDD', '1990', 'insufficient-data'],
    ['year only, certainly ≥ 35', '1985', 'fired'],
    ['year only, certainly < 35', '1995', 'not-fired'],
    ['year-month, every day of it gives 35', '1990-09', 'fired'],
    ['year-month straddling the EDD day', '1990-10', 'insufficient-data'],
  ])('partial birthDate: %s (%s) → %s', (_n, birthDate, status) => {
    const o = run(amaRule, withBirth(birthDate));
    expect(o.status).toBe(status);
    if (o.status === 'insufficient-data') expect(o.params).toMatchObject({ birthDate, ageYearsMin: 34, ageYearsMax: 35 });
    if (o.status === 'fired') expect(paramsOf(o)).toMatchObject({ birthDate });
  });

  it('year-only birthDate that fires reports the smallest possible age', () => {
    expect(paramsOf(run(amaRule, withBirth('1985')))).toMatchObject({ ageYears: 39 });
  });

  it('no birthDate / invalid birthDate → insufficient-data', () => {
    expect(run(amaRule, withBirth(undefined))).toMatchObject({ status: 'insufficient-data', reason: 'no birthDate' });
    expect(run(amaRule, withBirth('1985-02-30')).status).toBe('insufficient-data');
  });

  it('not pregnant → not-applicable', () => {
    expect(run(amaRule, snapshotOf([], patient({ birthDate: '1970-01-01' }))).status).toBe('not-applicable');
    expect(run(amaRule, snapshotOf([eddObs(EDD)], patient({ birthDate: '1970-01-01', gender: 'male' }))).status).toBe('not-applicable');
  });

  it('clinic day decides: the EDD written as an instant is read in Asia/Shanghai', () => {
    const snap = snapshotOf([eddObs('2025-09-30T17:00:00Z')], patient({ birthDate: '1990-10-01' }));
    expect(paramsOf(run(amaRule, snap, policy(), nowOn()))).toMatchObject({ referenceDate: '2025-10-01', ageYears: 35 });
    expect(run(amaRule, snap, policy(), nowOn(TODAY, 'UTC')).status).toBe('not-fired');
  });
});
