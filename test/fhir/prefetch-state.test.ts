import { describe, expect, it } from 'vitest';
import { classifyPrefetch, classifyValue } from '../../src/fhir/prefetch-state.js';
import { afiObservation, eddObservation, emptySearchset, operationOutcome, patient, searchset } from './support/fixtures.js';

describe('prefetch state of a key', () => {
  it('present: a single resource', () => {
    expect(classifyPrefetch({ patient }, 'patient')).toEqual({ state: 'present', resources: [patient] });
  });

  it('present: a searchset Bundle is flattened, _include-d resources kept, outcome warnings dropped', () => {
    const org = { resourceType: 'Organization', id: 'org-1', name: '浙江省妇幼保健院' } as const;
    const bundle = searchset([eddObservation, afiObservation]);
    bundle.entry?.push({ resource: org, search: { mode: 'include' } });
    bundle.entry?.push({ resource: operationOutcome, search: { mode: 'outcome' } });
    bundle.entry?.push({ fullUrl: 'urn:uuid:no-resource' });
    expect(classifyPrefetch({ observations: bundle }, 'observations')).toEqual({
      state: 'present',
      resources: [eddObservation, afiObservation, org],
    });
  });

  it.each([
    ['null', null],
    ['a Bundle without entry', emptySearchset],
    ['a Bundle with entry: []', { ...emptySearchset, entry: [] }],
  ])('no-data: %s', (_name, value) => {
    expect(classifyPrefetch({ k: value }, 'k')).toEqual({ state: 'no-data' });
  });

  it('failed: an OperationOutcome in place of the value', () => {
    expect(classifyPrefetch({ k: operationOutcome }, 'k')).toEqual({ state: 'failed', reason: 'operation-outcome' });
  });

  it.each([
    ['a string', 'Patient/pat-zj-001'],
    ['a number', 42],
    ['a boolean', true],
    ['an array of resources', [patient]],
    ['an object without resourceType', { id: 'pat-zj-001', gender: 'female' }],
    ['an empty resourceType', { resourceType: '' }],
    ['a Bundle whose entry is not an array', { resourceType: 'Bundle', type: 'searchset', entry: { resource: patient } }],
    ['a Bundle entry whose resource is not a resource', { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: 'x' }] }],
  ])('failed (wrong type): %s', (_name, value) => {
    expect(classifyPrefetch({ k: value }, 'k')).toEqual({ state: 'failed', reason: 'wrong-type' });
  });

  it('absent: key missing, value undefined, or no prefetch member at all', () => {
    expect(classifyPrefetch({ other: patient }, 'k')).toEqual({ state: 'absent' });
    expect(classifyPrefetch({ k: undefined }, 'k')).toEqual({ state: 'absent' });
    expect(classifyPrefetch(undefined, 'k')).toEqual({ state: 'absent' });
    expect(classifyPrefetch(JSON.parse('{"__proto__": {"resourceType": "Patient"}}') as Record<string, unknown>, 'toString')).toEqual({
      state: 'absent',
    });
  });

  it('classifyValue never reports absent', () => {
    expect(classifyValue(undefined)).toEqual({ state: 'failed', reason: 'wrong-type' });
  });
});
