/**
 * The compiled matcher (one normalisation and one index lookup per coding, kept per system and
 * code) answers exactly what the per-value-set check does (`referenceMatches`: normalise, exact
 * set, prefix rules with exclusions) for every value set of the catalogue, with and without the
 * policy's local codes, over every code the catalogue names and many variations of them.
 */
import type { Coding } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { SYSTEMS } from '../../src/clinical/codes.js';
import { DEFAULT_POLICY, parsePolicy } from '../../src/clinical/policy.js';
import { VALUE_SETS } from '../../src/clinical/value-sets/catalogue.js';
import { compileMatcher, MEMBERSHIP_CACHE_LIMIT, referenceMatches } from '../../src/clinical/value-sets/matcher.js';

function candidateCodings(): Coding[] {
  const pairs = new Set<string>();
  const add = (system: string, code: string) => pairs.add(JSON.stringify([system, code]));
  for (const def of Object.values(VALUE_SETS)) {
    for (const inc of def.include) for (const c of inc.codes) add(inc.system, c);
    for (const p of def.prefixes ?? []) for (const x of [...p.prefixes, ...(p.exclude ?? [])]) add(p.system, x);
  }
  const out: Coding[] = [];
  const systems = [...new Set([...Object.values(SYSTEMS), 'http://example.org/other'])];
  for (const pair of pairs) {
    const [system, code] = JSON.parse(pair) as [string, string];
    const variants = [
      code,
      ` ${code} `,
      code.toLowerCase(),
      code.replace(/\./g, ''),
      code.length > 3 ? `${code.slice(0, 3)}.${code.slice(3)}` : `${code}.`,
      `${code}0`,
      `${code}.9`,
      `${code}X`,
      code.slice(0, -1),
      '',
    ];
    for (const v of variants) {
      out.push({ system, code: v });
      out.push({ system: systems[(v.length + code.length) % systems.length] as string, code: v });
    }
  }
  out.push(
    { code: 'O35.0' },
    { system: SYSTEMS.icd10 } as Coding,
    { system: SYSTEMS.icd10cn, code: 'o35.1' },
    { system: SYSTEMS.icd10, code: 'O35.5XX0' },
  );
  return out;
}

const LOCAL = parsePolicy({
  localCodes: {
    'fetal-anomaly': [{ system: 'http://hospital.example/codes', code: 'FA-01' }],
    afi: [{ system: SYSTEMS.icd10, code: 'Z99.9' }],
  },
});

describe('compiled matcher ≡ per-value-set reference', () => {
  for (const [label, policy] of [
    ['default policy', DEFAULT_POLICY],
    ['policy with local codes', LOCAL],
  ] as const) {
    it(label, () => {
      const m = compileMatcher(policy);
      const codings = [
        ...candidateCodings(),
        { system: 'http://hospital.example/codes', code: 'FA-01' },
        { system: SYSTEMS.icd10, code: 'Z99.9' },
      ];
      expect(codings.length).toBeGreaterThan(1000);
      let members = 0;
      // Differences are collected and compared once: an expect per (coding, value set) would cost more than the check.
      const differences: string[] = [];
      for (const coding of codings) {
        const frozen = Object.freeze({ ...coding });
        for (const def of Object.values(VALUE_SETS)) {
          const want = referenceMatches(def, policy.localCodes[def.id] ?? [], coding, policy.ICD10_SYSTEMS);
          if (want) members += 1;
          if (m.inValueSet(def.id, coding) !== want) differences.push(`${def.id} ${JSON.stringify(coding)}`);
          if (m.inValueSet(def.id, frozen) !== want) differences.push(`${def.id} frozen ${JSON.stringify(coding)}`);
          if (m.matchingCoding(def.id, { coding: [{ system: 'x', code: 'y' }, frozen] }) !== (want ? frozen : undefined))
            differences.push(`${def.id} matchingCoding ${JSON.stringify(coding)}`);
        }
      }
      expect(differences).toEqual([]);
      expect(members).toBeGreaterThan(500);
    });
  }

  it('answers from what a coding holds now: a coding changed after a lookup is answered for its new code', () => {
    const m = compileMatcher(DEFAULT_POLICY);
    const member = { system: SYSTEMS.icd10, code: 'O35.0' };
    const coding: Coding = { ...member };
    expect(m.inValueSet('fetal-anomaly', coding)).toBe(true);
    coding.code = 'J45';
    expect(m.inValueSet('fetal-anomaly', coding)).toBe(false);
    coding.system = 'http://example.org/other';
    coding.code = 'O35.0';
    expect(m.inValueSet('fetal-anomaly', coding)).toBe(false);
    expect(m.inValueSet('fetal-anomaly', { ...member })).toBe(true);
  });

  it('stays right past its bound (distinct codes beyond the limit) and for codes too long to keep', () => {
    const m = compileMatcher(DEFAULT_POLICY);
    const member = { system: SYSTEMS.icd10, code: 'O35.0' };
    expect(m.inValueSet('fetal-anomaly', member)).toBe(true);
    for (let i = 0; i <= MEMBERSHIP_CACHE_LIMIT + 10; i += 1)
      expect(m.inValueSet('fetal-anomaly', { system: SYSTEMS.loinc, code: `${i}-0` })).toBe(false);
    expect(m.inValueSet('fetal-anomaly', member)).toBe(true);
    expect(m.inValueSet('fetal-anomaly', { system: SYSTEMS.icd10, code: `O35.${'1'.repeat(600)}` })).toBe(
      referenceMatches(VALUE_SETS['fetal-anomaly']!, [], { system: SYSTEMS.icd10, code: `O35.${'1'.repeat(600)}` }),
    );
    expect(m.inValueSet('fetal-anomaly', { system: SYSTEMS.icd10, code: ` O35.0${' '.repeat(600)}` })).toBe(true);
  });

  it('an unknown value set id still throws, whatever the coding', () => {
    const m = compileMatcher(DEFAULT_POLICY);
    expect(() => m.inValueSet('no-such-set', undefined)).toThrow(/unknown value set/);
    expect(() => m.matchingCoding('no-such-set', { coding: [] })).toThrow(/unknown value set/);
  });
});
