import type { Observation } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { readContext } from '../../src/clinical/data-elements/context.js';
import { codes, interpretations } from '../../src/clinical/data-elements/concepts.js';
import { DATA_ELEMENTS } from '../../src/clinical/data-elements/dictionary.js';
import { latestMeasurement } from '../../src/clinical/data-elements/quantity.js';
import { momValue, riskN } from '../../src/clinical/data-elements/risk.js';
import { lengthIn } from '../../src/clinical/data-elements/units.js';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { VALUE_SETS } from '../../src/clinical/value-sets/catalogue.js';
import { afi, interp, loinc, nowOn, observation, snapshotOf, ucum } from './fixtures.js';

const o = (value: Partial<Observation>) => observation(loinc('x'), value);

describe('risk normalisation to N (risk = 1/N)', () => {
  it.each<[string, Partial<Observation>, number | undefined]>([
    ['1:270', { valueString: '1:270' }, 270],
    ['1/270', { valueString: '1/270' }, 270],
    ['full-width colon', { valueString: '1：270' }, 270],
    ['spaces', { valueString: ' 1 : 270 ' }, 270],
    ['thousands', { valueString: '1:1,000' }, 1000],
    ['ratio 1:270', { valueRatio: { numerator: { value: 1 }, denominator: { value: 270 } } }, 270],
    ['ratio 2:540', { valueRatio: { numerator: { value: 2 }, denominator: { value: 540 } } }, 270],
    ['probability unit 1', { valueQuantity: ucum(0.004, '1') }, 250],
    ['percent', { valueQuantity: ucum(0.5, '%') }, 200],
    ['bare integer N means 1/N', { valueInteger: 270 }, 270],
    ['bare integer text', { valueString: '270' }, 270],
    ['words around one ratio, full-width', { valueString: '21三体风险值：１：２７０' }, 270],
    ['quantity without unit: integer N', { valueQuantity: { value: 270 } }, 270],
    ['quantity without unit: probability', { valueQuantity: { value: 0.004 } }, 250],
    ['two ratios in one text', { valueString: 'T21 1:270, T18 1:5000' }, undefined],
    ['bare decimal above 1', { valueString: '270.5' }, undefined],
    ['probability > 1', { valueQuantity: ucum(270, '1') }, undefined],
    ['garbage text', { valueString: '高风险 1:abc' }, undefined],
    ['2:1 ratio', { valueRatio: { numerator: { value: 2 }, denominator: { value: 1 } } }, undefined],
  ])('%s', (_name, value, expected) => {
    const r = riskN(o(value));
    expect(r.ok ? r.value : undefined).toBe(expected);
  });
  it('probability 0.0037 is just under 1/270 (N ≈ 270.3)', () => {
    const r = riskN(o({ valueQuantity: ucum(0.0037, '1') }));
    expect(r.ok && r.value > 270 && r.value < 271).toBe(true);
  });
  it('MoM', () => {
    expect(momValue(o({ valueQuantity: { value: 2.5, unit: '{MoM}' } }))).toEqual({ ok: true, value: 2.5 });
    expect(momValue(o({ valueQuantity: ucum(2.5, 'mg') })).ok).toBe(false);
  });
});

describe('length units', () => {
  it.each<[number, string, 'cm' | 'mm', number | undefined]>([
    [5, 'cm', 'cm', 5],
    [50, 'mm', 'cm', 5],
    [51, 'mm', 'cm', 5.1],
    [3.0, 'mm', 'mm', 3],
    [0.3, 'cm', 'mm', 3],
    [2, '[in_i]', 'cm', undefined],
    [2, 'm', 'cm', undefined],
    [4, 'CM', 'cm', 4],
    [4, '厘米', 'cm', 4],
    [4, '公分', 'cm', 4],
    [40, '毫米', 'cm', 4],
    [40, 'MM', 'cm', 4],
    [4, 'ｃｍ', 'cm', 4],
  ])('%d %s in %s', (value, unit, target, expected) => {
    const r = lengthIn(ucum(value, unit), target);
    expect(r.ok ? r.value : undefined).toBe(expected);
  });
  it('comparator and foreign system are unusable', () => {
    expect(lengthIn({ ...ucum(5, 'cm'), comparator: '<' }, 'cm').ok).toBe(false);
    expect(lengthIn({ value: 5, unit: 'cm', system: 'urn:x' }, 'cm').ok).toBe(false);
  });
});

describe('usable evidence', () => {
  const ctx = (resources: Observation[]) => readContext(snapshotOf(resources), DEFAULT_POLICY, nowOn(), '2024-12-25');
  const read = (rs: Observation[]) => latestMeasurement(ctx(rs), 'afi', true, (x) => lengthIn(x.valueQuantity, 'cm'));
  it('most recent wins; ties by issued', () => {
    const l = read([afi(4, 'cm', { date: '2025-05-01' }), afi(10, 'cm', { date: '2025-05-20' })]);
    expect(l.kind === 'value' && l.value).toBe(10);
    const t = read([afi(4, 'cm', { issued: '2025-05-20T10:00:00+08:00' }), afi(10, 'cm', { issued: '2025-05-20T09:00:00+08:00' })]);
    expect(t.kind === 'value' && t.value).toBe(4);
  });
  it('entered-in-error and cancelled are never evidence', () => {
    const l = read([
      afi(4, 'cm', { date: '2025-05-01' }),
      afi(30, 'cm', { date: '2025-05-20', status: 'entered-in-error' }),
      afi(30, 'cm', { date: '2025-05-21', status: 'cancelled' }),
    ]);
    expect(l.kind === 'value' && l.value).toBe(4);
  });
  it('preliminary only when no final exists', () => {
    expect(read([afi(4, 'cm', { date: '2025-05-01' }), afi(30, 'cm', { date: '2025-05-20', status: 'preliminary' })])).toMatchObject({
      kind: 'value',
      value: 4,
    });
    expect(read([afi(30, 'cm', { date: '2025-05-20', status: 'preliminary' })])).toMatchObject({ kind: 'value', value: 30 });
  });
  it('dataAbsentReason is no value: passed over', () => {
    const absent = observation(loinc('11627-7'), { dataAbsentReason: { text: 'not done' } }, { date: '2025-05-25' });
    expect(read([afi(4, 'cm', { date: '2025-05-01' }), absent])).toMatchObject({ kind: 'value', value: 4 });
  });
  it('an unreadable latest measurement is reported, not replaced by an older value', () => {
    expect(read([afi(4, 'cm', { date: '2025-05-01' }), afi(2, '[in_i]', { date: '2025-05-20' })])).toMatchObject({ kind: 'unusable' });
  });
  it('previous-pregnancy evidence is ignored; invalid and future dates are reported', () => {
    expect(read([afi(4, 'cm', { date: '2024-06-01' })])).toEqual({ kind: 'none', unusable: [] });
    const bad = read([afi(4, 'cm', { date: '2025-02-30' })]);
    expect(bad.kind === 'none' && bad.unusable[0]?.reason).toBe('invalid date');
    const future = read([afi(4, 'cm', { date: '2025-07-01' })]);
    expect(future.kind === 'none' && future.unusable[0]?.reason).toBe('dated in the future');
  });
  it('another subject is not hers', () => {
    expect(read([afi(4, 'cm', { subject: { reference: 'Patient/other' } })])).toEqual({ kind: 'none', unusable: [] });
    expect(read([afi(4, 'cm', { subject: { reference: 'https://ehr.example/fhir/Patient/p1' } })])).toMatchObject({ kind: 'value' });
  });
});

describe('concept accessors over the frozen snapshot', () => {
  it('neither throws nor mutates frozen resources; invalid dates do not crash', () => {
    const res = afi(4, 'cm', { date: '1985-02-30', interpretation: [interp('H')], valueCodeableConcept: { text: 'x' } });
    const snap = snapshotOf([res]);
    const frozen = snap.ofType('Observation')[0]!;
    expect(Object.isFrozen(frozen)).toBe(true);
    const before = JSON.stringify(frozen);
    const ownNames = Object.getOwnPropertyNames(frozen.code!.coding![0]!);
    expect(codes(frozen)[0]?.coding?.[0]?.code).toBe('11627-7');
    expect(interpretations(frozen)[0]?.coding?.[0]?.code).toBe('H');
    expect(JSON.stringify(frozen)).toBe(before);
    expect(Object.getOwnPropertyNames(frozen.code!.coding![0]!)).toEqual(ownNames);
  });
});

describe('dictionary', () => {
  it('every element names a shipped value set', () => {
    for (const e of Object.values(DATA_ELEMENTS)) if (e.valueSet) expect(VALUE_SETS[e.valueSet], e.id).toBeDefined();
  });
});
