import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { bucketCount, bucketOf, fnv1a, patientIdOf, sharedReferencesOf } from '../../src/bulk/patient-ref.js';

describe('patientIdOf', () => {
  it.each([
    ['a Patient is its own', { resourceType: 'Patient', id: 'p1' }, 'p1'],
    ['subject, relative', { resourceType: 'Observation', subject: { reference: 'Patient/p2' } }, 'p2'],
    ['subject, absolute URL', { resourceType: 'Condition', subject: { reference: 'https://ehr.example.org/fhir/Patient/p3' } }, 'p3'],
    ['subject, versioned', { resourceType: 'Condition', subject: { reference: 'Patient/p3/_history/2' } }, 'p3'],
    ['patient (FamilyMemberHistory, EpisodeOfCare)', { resourceType: 'FamilyMemberHistory', patient: { reference: 'Patient/p4' } }, 'p4'],
    ['no subject', { resourceType: 'Observation' }, undefined],
    ['subject is a Group', { resourceType: 'Observation', subject: { reference: 'Group/g1' } }, undefined],
    ['Patient without id', { resourceType: 'Patient' }, undefined],
    ['reference not a string', { resourceType: 'Observation', subject: { reference: 42 } }, undefined],
  ])('%s', (_n, r, want) => {
    expect(patientIdOf(r as unknown as Resource)).toBe(want);
  });

  it('medicationReference is a shared reference', () => {
    expect(
      sharedReferencesOf({ resourceType: 'MedicationRequest', medicationReference: { reference: 'Medication/m1' } } as Resource),
    ).toEqual(['Medication/m1']);
    expect(sharedReferencesOf({ resourceType: 'Observation' } as Resource)).toEqual([]);
  });
});

describe('buckets', () => {
  it('hash is stable and spreads ids', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('pt-1')).toBe(fnv1a('pt-1'));
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[bucketOf(`pt-${i}`, 8)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(700);
  });

  it('bucket count follows the export size, at least 1, capped', () => {
    expect(bucketCount(0, 1024)).toBe(1);
    expect(bucketCount(10 * 1024, 1024)).toBe(10);
    expect(bucketCount(10 * 1024 + 1, 1024)).toBe(11);
    expect(bucketCount(1e12, 1024)).toBe(512);
  });
});
