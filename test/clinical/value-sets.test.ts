import fc from 'fast-check';
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

describe('ICD-10 as Chinese EHRs send it (docs/rules.md#value-sets)', () => {
  const cn = (c: string) => code(SYSTEMS.icd10cn, c);

  it.each([
    [
      'genetic-condition',
      [
        'Q90.9',
        'Q90.900',
        'Q95.0',
        'Q77.4',
        'Q78.0',
        'Q85.0',
        'Q87.4',
        'D56.1',
        'D56.100x003',
        'D57.1',
        'D58.0',
        'D66.x00',
        'D67',
        'D68.0',
        'E70.0',
        'E84.9',
        'E88.0',
        'G10',
        'G11.1',
        'G12.0',
        'G71.001',
      ],
    ],
    ['monogenic-disorder', ['D56.1', 'D57.1', 'D58.0', 'D66', 'D67', 'E70.0', 'E84.0', 'E88.0', 'G10', 'G12.000', 'G71.0']],
    [
      'congenital-or-chromosomal',
      [
        'Q00.0',
        'Q01.9',
        'Q03.9',
        'Q05.900',
        'Q21.3',
        'Q37.9',
        'Q39.1',
        'Q42.3',
        'Q71.3',
        'Q79.0',
        'Q79.2',
        'Q79.3',
        'Q89.4',
        'Q90.9',
        'Q96.9',
      ],
    ],
    ['neural-tube-defect', ['Q00.0', 'Q01.9', 'Q05.900']],
    ['fetal-anomaly', ['O35.0', 'O35.000x001', 'Q05.9', 'Q90.900']],
    ['fetal-growth-restriction', ['O36.5', 'O36.500x001', 'O36.59']],
    ['fetal-subject-code', ['O35.0', 'O35.5', 'O36.0', 'O36.500x001']],
    ['chromosomal-abnormality', ['Q90.9', 'Q95.0', 'Q96.900']],
    ['prior-chromosomal-child', ['Q90.900', 'Q91.3']],
  ])('%s includes %j (with and without the dot, under icd-10 and icd-10-cn)', (id, members) => {
    for (const c of members) {
      expect(m.inValueSet(id, icd(c)), c).toBe(true);
      expect(m.inValueSet(id, cn(c.replace(/\./g, ''))), c).toBe(true);
    }
  });

  it.each([
    ['genetic-condition', ['D55.0', 'D68.1', 'D68.4', 'E66.9', 'E86.0', 'E87.6', 'G13', 'Q21.0', 'Q05.9', 'Q54.9']],
    ['monogenic-disorder', ['D68.0', 'G11.1', 'E87.6', 'Q90.9']],
    ['congenital-or-chromosomal', ['Q16.0', 'Q17.0', 'Q54.9', 'Q69.0', 'Q70.3', 'D56.1', 'P07.1']],
    ['neural-tube-defect', ['Q02', 'Q03.9', 'Q06.0']],
    ['fetal-anomaly', ['O35.5', 'O35.600', 'O36.5', 'O36.0']],
    ['fetal-growth-restriction', ['O36.6', 'O36.4', 'P05.9']],
  ])('%s leaves out %j', (id, outsiders) => {
    for (const c of outsiders) expect(m.inValueSet(id, cn(c)), c).toBe(false);
  });

  it('ICD-10 URIs are policy: other URIs are ICD-10 only when listed; icd-10 itself always is', () => {
    const oid = 'urn:oid:2.16.156.10011.2.3.3.11';
    expect(m.inValueSet('genetic-condition', code(oid, 'D56.1'))).toBe(false);
    const custom = compileMatcher(parsePolicy({ ICD10_SYSTEMS: [oid] }));
    expect(custom.inValueSet('genetic-condition', code(oid, 'D56.100'))).toBe(true);
    expect(custom.inValueSet('genetic-condition', icd('D56.1'))).toBe(true);
    expect(custom.inValueSet('genetic-condition', cn('D56.1'))).toBe(false);
    expect(DEFAULT_POLICY.ICD10_SYSTEMS).toEqual(['http://hl7.org/fhir/sid/icd-10', 'http://hl7.org/fhir/sid/icd-10-cn']);
    expect(() => parsePolicy({ ICD10_SYSTEMS: [] })).toThrow();
  });

  it("a hospital's ICD-10 local code covers its clinical-edition extensions; other local codes match exactly", () => {
    const pol = parsePolicy({
      localCodes: {
        'congenital-or-chromosomal': [
          { system: SYSTEMS.icd10cn, code: 'Q54' },
          { system: 'urn:oid:1.2.156.hosp', code: 'QX' },
        ],
      },
    });
    const local = compileMatcher(pol);
    expect(local.inValueSet('congenital-or-chromosomal', cn('Q54.000x001'))).toBe(true);
    expect(local.inValueSet('congenital-or-chromosomal', icd('Q54'))).toBe(true);
    expect(local.inValueSet('congenital-or-chromosomal', code('urn:oid:1.2.156.hosp', 'QX'))).toBe(true);
    expect(local.inValueSet('congenital-or-chromosomal', code('urn:oid:1.2.156.hosp', 'QX1'))).toBe(false);
  });

  it('property: a clinical-edition extension of a member is a member, of a non-member is not', () => {
    const suffix = fc.stringMatching(/^[0-9x]{0,3}(x[0-9]{3})?$/);
    const cases: [string, string, boolean][] = [
      ['genetic-condition', 'D56.1', true],
      ['congenital-or-chromosomal', 'Q90.9', true],
      ['fetal-growth-restriction', 'O36.5', true],
      ['congenital-or-chromosomal', 'Q54.9', false],
      ['fetal-anomaly', 'O35.5', false],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...cases), suffix, fc.boolean(), ([id, c, member], s, dotless) => {
        const written = `${dotless ? c.replace('.', '') : c}${s}`;
        expect(m.inValueSet(id, cn(written))).toBe(member);
      }),
    );
  });
});
