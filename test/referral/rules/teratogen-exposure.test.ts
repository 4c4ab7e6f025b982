import { describe, expect, it } from 'vitest';
import { teratogenExposureRule } from '../../../src/referral/rules/teratogen-exposure.js';
import {
  atc,
  code,
  condition,
  icd,
  local,
  medRequest,
  medStatement,
  observation,
  paramsOf,
  policy,
  pregnant,
  run,
  sct,
  snapshotOf,
  verification,
} from '../../clinical/fixtures.js';

/**
 * docs/rules.md#teratogen-exposure: first trimester LMP .. LMP + 13w6d. LMP = 2024-12-25, so 13+6 is
 * 2025-04-01 and 14+0 is 2025-04-02.
 */
describe('teratogen-exposure', () => {
  it.each([
    ['on the LMP (0+0)', '2024-12-25', 'fired'],
    ['at 13+6', '2025-04-01', 'fired'],
    ['at 14+0', '2025-04-02', 'not-fired'],
    ['the day before the LMP', '2024-12-24', 'not-fired'],
  ])('O35.5 with onset %s (%s) → %s', (_n, onset, status) => {
    const o = run(teratogenExposureRule, pregnant([condition(icd('O35.5'), { onsetDateTime: onset, recordedDate: '2025-05-01' })]));
    expect(o.status).toBe(status);
    if (status === 'fired') expect(paramsOf(o)).toMatchObject({ kinds: ['drug'], windowStart: '2024-12-25', windowEnd: '2025-04-01' });
  });

  it('recordedDate when there is no onset', () => {
    expect(run(teratogenExposureRule, pregnant([condition(icd('O35.6'), { recordedDate: '2025-02-01' })])).status).toBe('fired');
    expect(run(teratogenExposureRule, pregnant([condition(icd('O35.6'), { recordedDate: '2025-05-01' })])).status).toBe('not-fired');
  });

  it.each([
    ['exposure-radiation', 'radiation'],
    ['exposure-chemical', 'chemical'],
    ['exposure-infection', 'infection'],
    ['exposure-drug', 'drug'],
  ])('local %s → kind %s (Condition or Observation)', (c, kind) => {
    expect(paramsOf(run(teratogenExposureRule, pregnant([condition(local(c), { recordedDate: '2025-01-15' })])))).toMatchObject({
      kinds: [kind],
    });
    expect(
      paramsOf(run(teratogenExposureRule, pregnant([observation(local(c), { valueBoolean: true }, { date: '2025-01-15' })]))),
    ).toMatchObject({ kinds: [kind] });
  });

  it.each([
    ['period inside the window', { effectivePeriod: { start: '2025-01-10', end: '2025-02-10' } }, 'fired'],
    ['period overlapping the window start', { effectivePeriod: { start: '2024-11-01', end: '2024-12-25' } }, 'fired'],
    ['period ending the day before LMP', { effectivePeriod: { start: '2024-11-01', end: '2024-12-24' } }, 'not-fired'],
    ['period starting at 14+0', { effectivePeriod: { start: '2025-04-02' } }, 'not-fired'],
    ['ongoing since before the LMP', { effectivePeriod: { start: '2024-06-01' } }, 'fired'],
    ['single day at 13+6', { effectiveDateTime: '2025-04-01' }, 'fired'],
  ])('MedicationStatement isotretinoin, %s → %s', (_n, when, status) => {
    const o = run(teratogenExposureRule, pregnant([medStatement(atc('D10BA01'), when)]));
    expect(o.status).toBe(status);
    if (status === 'fired') expect(paramsOf(o)).toMatchObject({ kinds: ['medication'], items: [{ code: { code: 'D10BA01' } }] });
  });

  it('MedicationRequest: validity period, authoredOn + supply; non-teratogen, not-taken and cancelled do not count', () => {
    expect(
      run(
        teratogenExposureRule,
        pregnant([medRequest(atc('N03AG01'), { dispenseRequest: { validityPeriod: { start: '2025-03-01', end: '2025-06-01' } } })]),
      ).status,
    ).toBe('fired');
    expect(
      run(
        teratogenExposureRule,
        pregnant([
          medRequest(atc('B01AA03'), {
            authoredOn: '2024-12-01',
            dispenseRequest: { expectedSupplyDuration: { value: 30, unit: 'd', code: 'd', system: 'http://unitsofmeasure.org' } },
          }),
        ]),
      ).status,
    ).toBe('fired');
    expect(run(teratogenExposureRule, pregnant([medRequest(atc('B01AA03'), { authoredOn: '2024-12-01' })])).status).toBe('not-fired');
    expect(run(teratogenExposureRule, pregnant([medRequest(atc('N02BE01'), { authoredOn: '2025-01-10' })])).status).toBe('not-fired');
    expect(
      run(teratogenExposureRule, pregnant([medRequest(atc('N03AG01'), { authoredOn: '2025-01-10', status: 'cancelled' })])).status,
    ).toBe('not-fired');
    expect(
      run(teratogenExposureRule, pregnant([medStatement(atc('N03AG01'), { effectiveDateTime: '2025-01-10', status: 'not-taken' })])).status,
    ).toBe('not-fired');
  });

  it('undated medication is reported as insufficient-data', () => {
    expect(run(teratogenExposureRule, pregnant([medStatement(atc('D10BA01'))])).status).toBe('insufficient-data');
  });

  it('entered-in-error / refuted exposure conditions do not count', () => {
    expect(
      run(
        teratogenExposureRule,
        pregnant([condition(icd('O35.5'), { recordedDate: '2025-01-15', verificationStatus: verification('entered-in-error') })]),
      ).status,
    ).toBe('not-fired');
    expect(
      run(
        teratogenExposureRule,
        pregnant([condition(icd('O35.5'), { recordedDate: '2025-01-15', verificationStatus: verification('refuted') })]),
      ).status,
    ).toBe('not-fired');
  });

  it('no LMP (pregnancy known, undated): exposure evidence → insufficient-data; none → not-fired', () => {
    const preg = condition(sct('77386006'));
    expect(run(teratogenExposureRule, snapshotOf([preg, condition(icd('O35.5'), { recordedDate: '2025-02-01' })])).status).toBe(
      'insufficient-data',
    );
    expect(run(teratogenExposureRule, snapshotOf([preg])).status).toBe('not-fired');
  });

  it('window length from policy; local codes from policy', () => {
    expect(
      run(
        teratogenExposureRule,
        pregnant([condition(icd('O35.5'), { onsetDateTime: '2025-04-02' })]),
        policy({ FIRST_TRIMESTER_LAST_DAY: 98 }),
      ).status,
    ).toBe('fired');
    const pol = policy({ localCodes: { 'teratogen-medication': [{ system: 'urn:oid:1.2.156.drug', code: 'X1' }] } });
    expect(
      run(teratogenExposureRule, pregnant([medStatement(code('urn:oid:1.2.156.drug', 'X1'), { effectiveDateTime: '2025-01-10' })]), pol)
        .status,
    ).toBe('fired');
  });
});
