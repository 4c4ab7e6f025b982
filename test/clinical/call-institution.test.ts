import type { Encounter, Organization, PractitionerRole, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { callInstitution } from '../../src/clinical/call-institution.js';
import { resolveOrderingContext } from '../../src/clinical/ordering-context.js';
import { parsePolicy } from '../../src/clinical/policy.js';
import { createSnapshot } from '../../src/fhir/snapshot.js';

/** The institution of a call, in order: PractitionerRole → encounter → issuer binding → policy (docs/design.md#institution). */
const org = (id: string, name: string): Organization => ({ resourceType: 'Organization', id, name });
const role: PractitionerRole = {
  resourceType: 'PractitionerRole',
  id: 'role-1',
  practitioner: { reference: 'Practitioner/pr-1' },
  organization: { reference: 'Organization/org-role' },
};
const encounter: Encounter = {
  resourceType: 'Encounter',
  id: 'enc-1',
  status: 'in-progress',
  class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
  serviceProvider: { reference: 'Organization/org-enc' },
};
const POLICY = parsePolicy({ institution: { id: 'org-policy', name: '杭州市妇产科医院' } });
const NO_POLICY_ID = parsePolicy({});

function snap(resources: Resource[], context: { userId?: string; encounterId?: string } = {}) {
  return createSnapshot({ patientId: 'p-1', resources, ...context });
}

/** As the services call it: the ordering context resolved once, then the institution. */
function institutionOf(snapshot: ReturnType<typeof snap>, issuer: string | undefined, policy: typeof POLICY) {
  return callInstitution(snapshot, resolveOrderingContext(snapshot), issuer, policy);
}

describe('callInstitution', () => {
  it('the user’s PractitionerRole organization first, with the Organization when the record has it', () => {
    const got = institutionOf(
      snap([role, encounter, org('org-role', '浙江大学医学院附属妇产科医院')], { userId: 'PractitionerRole/role-1', encounterId: 'enc-1' }),
      'org-issuer',
      POLICY,
    );
    expect(got).toMatchObject({ id: 'org-role', via: 'practitioner-role', organization: { name: '浙江大学医学院附属妇产科医院' } });
  });

  it('else the encounter’s serviceProvider', () => {
    expect(institutionOf(snap([encounter], { userId: 'Practitioner/pr-9', encounterId: 'enc-1' }), 'org-issuer', POLICY)).toEqual({
      id: 'org-enc',
      via: 'encounter',
    });
  });

  it('else the institution bound to the verified issuer', () => {
    expect(institutionOf(snap([], { userId: 'Practitioner/pr-9' }), 'org-issuer', POLICY)).toEqual({ id: 'org-issuer', via: 'issuer' });
  });

  it('else the policy default; none at all: undefined', () => {
    expect(institutionOf(snap([]), undefined, POLICY)).toEqual({ id: 'org-policy', via: 'policy' });
    expect(institutionOf(snap([]), undefined, NO_POLICY_ID)).toBeUndefined();
  });
});
