import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/clinical/codes.js';
import { validateAgainstBase, validateAgainstProfile, validationErrors } from '../support/fhir-validate.js';
import { invalidExamples, validExamples } from './example-files.js';

const profileUrls: readonly string[] = Object.values(PROFILES);

describe('valid examples (fhir-profiles/examples/valid)', () => {
  it.each(validExamples())('%s validates against its profile and base R4, with no issue at all', (_file, resource) => {
    const profile = resource.meta?.profile?.[0];
    expect(profileUrls).toContain(profile);
    expect(validateAgainstProfile(resource, profile)).toEqual([]);
    expect(validateAgainstBase(resource)).toEqual([]);
  });

  it('cover every profile in PROFILES', () => {
    const covered = new Set(validExamples().map(([, r]) => r.meta?.profile?.[0]));
    expect(profileUrls.filter((p) => !covered.has(p))).toEqual([]);
  });
});

describe('invalid examples (fhir-profiles/examples/invalid)', () => {
  it.each(invalidExamples())('%s fails with the expected issue', (_file, resource, expected) => {
    expect(expected.errors.length).toBeGreaterThan(0);
    const errors = validationErrors(resource, expected.profile).map(({ path, message }) => ({ path, message }));
    expect(errors).toEqual(expected.errors);
  });

  it.each(invalidExamples())('%s is valid base R4 (it breaks a profile rule only)', (_file, resource) => {
    expect(validateAgainstBase(resource).filter((i) => i.severity === 'error')).toEqual([]);
  });
});

describe('validateAgainstProfile', () => {
  it('defaults to the profile in meta.profile', () => {
    const [, , expected] = invalidExamples()[0]!;
    const [, resource] = invalidExamples()[0]!;
    expect(validationErrors(resource).map((i) => i.path)).toEqual(expected.errors.map((e) => e.path));
  });

  it('rejects an unknown profile URL', () => {
    const [, resource] = validExamples()[0]!;
    expect(() => validateAgainstProfile(resource, 'http://example.org/StructureDefinition/nope')).toThrow(/unknown profile/);
  });
});
