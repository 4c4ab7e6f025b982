import { describe, expect, it } from 'vitest';
import { SYSTEMS } from '../../src/clinical/codes.js';
import { DEFAULT_POLICY, parsePolicy } from '../../src/clinical/policy.js';
import { VALUE_SETS } from '../../src/clinical/value-sets/catalogue.js';
import { compileMatcher, matcherFor, unknownLocalCodeIds } from '../../src/clinical/value-sets/matcher.js';
import { cc, code, icd, local, sct } from './fixtures.js';

const m = compileMatcher(DEFAULT_POLICY);

describe('VALUE_SETS catalogue', () => {
  it('ids are kebab-case and equal their keys; plain data (JSON round-trips)', () => {
    for (const [k, v] of Object.entries(VALUE_SETS)) {
      expect(v.id).toBe(k);
      expect(k).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
    expect(JSON.parse(JSON.stringify(VALUE_SETS))).toEqual(VALUE_SETS);
  });
  it('has the element value sets the rules ask for', () => {
    for (const id of [
      'edd-clinical',
      'edd-ultrasound',
      'edd-lmp',
      'edd-ovulation',
      'lmp',
      'gestational-age',
      'pregnancy-status',
      'pregnancy-condition',
      'afi',
      'dvp',
      'oligohydramnios',
      'polyhydramnios',
      'fetal-anomaly',
      'nuchal-translucency',
      'teratogen-exposure-condition',
      'teratogen-medication',
      'genetic-condition',
      'congenital-or-chromosomal',
      'screening-t21',
      'screening-t18',
      'screening-t13',
      'screening-nipt',
      'afp-mom',
      'ntd-screening',
      'high-risk-interpretation',
    ])
      expect(VALUE_SETS[id]).toBeDefined();
  });
});

describe('matcher', () => {
  it.each([
    ['O35.0', true],
    ['O35.9', true],
    ['O350', true],
    ['o35.1', true],
    ['O35.001', true],
    ['O35.5', false],
    ['O35.6', false],
    ['O35.5XX0', false],
    ['O36.0', false],
    ['O3', false],
  ])('fetal-anomaly ICD-10 %s → %s', (c, expected) => {
    expect(m.inValueSet('fetal-anomaly', icd(c))).toBe(expected);
    expect(m.inValueSet('fetal-anomaly', code(SYSTEMS.icd10cn, c))).toBe(expected);
  });
  it('O35.5 / O35.6 are exposures', () => {
    expect(m.inValueSet('teratogen-exposure-condition', icd('O35.5'))).toBe(true);
    expect(m.inValueSet('exposure-radiation', code(SYSTEMS.icd10cn, 'O35.600'))).toBe(true);
  });
  it('O41.0 is oligohydramnios, O41.1 is not; O40 polyhydramnios', () => {
    expect(m.inValueSet('oligohydramnios', icd('O41.0'))).toBe(true);
    expect(m.inValueSet('oligohydramnios', icd('O41.1'))).toBe(false);
    expect(m.inValueSet('polyhydramnios', icd('O40'))).toBe(true);
  });
  it('exact systems: a SNOMED code under another system does not match', () => {
    expect(m.inValueSet('fetal-anomaly', sct('702709008'))).toBe(true);
    expect(m.inValueSet('fetal-anomaly', code('http://loinc.org', '702709008'))).toBe(false);
    expect(m.inValueSet('fetal-anomaly', { code: '702709008' })).toBe(false);
  });
  it('accepts CodeableConcepts (any coding) and returns the matching coding', () => {
    const concept = cc(code('urn:local', 'x'), sct('59566000'));
    expect(m.inValueSet('oligohydramnios', concept)).toBe(true);
    expect(m.matchingCoding('oligohydramnios', concept)?.code).toBe('59566000');
    expect(m.inValueSet('oligohydramnios', { text: 'oligohydramnios' })).toBe(false);
    expect(m.inValueSet('oligohydramnios', undefined)).toBe(false);
  });
  it('appends policy local codes', () => {
    const pol = parsePolicy({ localCodes: { 'fetal-anomaly': [{ system: 'urn:oid:1.2.156.hosp', code: 'FA-01' }] } });
    expect(compileMatcher(pol).inValueSet('fetal-anomaly', code('urn:oid:1.2.156.hosp', 'FA-01'))).toBe(true);
    expect(m.inValueSet('fetal-anomaly', code('urn:oid:1.2.156.hosp', 'FA-01'))).toBe(false);
  });
  it('an unknown value-set id is a bug; unknown policy ids are reported', () => {
    expect(() => m.inValueSet('no-such-set', sct('1'))).toThrow(/unknown value set/);
    expect(unknownLocalCodeIds(parsePolicy({ localCodes: { 'fetal-anomally': [] } }))).toEqual(['fetal-anomally']);
  });
  it('is compiled once per policy object', () => {
    expect(matcherFor(DEFAULT_POLICY)).toBe(matcherFor(DEFAULT_POLICY));
  });
  it('local prenatal-observation codes', () => {
    expect(m.inValueSet('nuchal-translucency', local('nt-mm'))).toBe(true);
    expect(m.inValueSet('high-risk-interpretation', local('high-risk'))).toBe(true);
  });
});
