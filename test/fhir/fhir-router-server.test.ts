import type { Bundle, Organization, Practitioner, PractitionerRole, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFhirRouterServer, type FhirEhr, type FhirRouterServer } from '../support/fhir-router-server.js';

/**
 * The test FHIR server (test/support/fhir-router-server.ts) behaves like an EHR's FHIR server: the
 * end-to-end suites rely on each of these behaviours.
 */
const TOKEN = 'router-self-test-token-5d2e';
const practitioner: Practitioner = {
  resourceType: 'Practitioner',
  id: 'pr-li-na',
  name: [{ text: '李娜', family: '李', given: ['娜'] }],
  identifier: [{ system: 'http://wsjkw.zj.gov.cn/fhir/sid/practising-certificate', value: '110330100000123' }],
};
const organization: Organization = { resourceType: 'Organization', id: 'org-nb-mch', name: '宁波市示例妇女儿童医院' };
const role: PractitionerRole = {
  resourceType: 'PractitionerRole',
  id: 'prr-li-na-1',
  active: true,
  practitioner: { reference: 'Practitioner/pr-li-na' },
  organization: { reference: 'Organization/org-nb-mch' },
};

let server: FhirRouterServer;
let ehr: FhirEhr;
beforeAll(async () => {
  server = await startFhirRouterServer();
  ehr = await server.addEhr('nb', { accessToken: TOKEN, resources: [practitioner, organization, role] });
});
afterAll(() => server.close());
beforeEach(() => {
  ehr.include = 'honour';
  ehr.reachableAgain();
  ehr.resetRequests();
});

async function get(path: string, token = TOKEN): Promise<{ status: number; body: Resource | undefined }> {
  try {
    const res = await fetch(`${ehr.fhirServer}/${path}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    return { status: res.status, body: (await res.json()) as Resource };
  } catch {
    return { status: 0, body: undefined };
  }
}

const entries = (b: Resource | undefined): string[] =>
  ((b as Bundle).entry ?? []).map((e) => `${e.search?.mode ?? '?'} ${e.resource?.resourceType ?? ''}/${e.resource?.id ?? ''}`);

describe('the FhirRouter test server', () => {
  it('reads by id and searches by a bare-id reference, with the bearer token', async () => {
    expect((await get('Practitioner/pr-li-na')).body).toMatchObject({ id: 'pr-li-na', name: [{ text: '李娜' }] });
    expect(entries((await get('PractitionerRole?practitioner=pr-li-na')).body)).toEqual(['match PractitionerRole/prr-li-na-1']);
    expect(ehr.requests().map((r) => [r.path, r.status])).toEqual([
      ['Practitioner/pr-li-na', 200],
      ['PractitionerRole?practitioner=pr-li-na', 200],
    ]);
  });

  it('honours _include and _revinclude', async () => {
    const res = await get('PractitionerRole?_id=prr-li-na-1&_include=PractitionerRole:practitioner&_include=PractitionerRole:organization');
    expect(entries(res.body)).toEqual([
      'match PractitionerRole/prr-li-na-1',
      'include Practitioner/pr-li-na',
      'include Organization/org-nb-mch',
    ]);
    expect(entries((await get('Practitioner?_id=pr-li-na&_revinclude=PractitionerRole:practitioner')).body)).toEqual([
      'match Practitioner/pr-li-na',
      'include PractitionerRole/prr-li-na-1',
    ]);
  });

  it('an EHR that ignores _include answers the matches only', async () => {
    ehr.include = 'ignore';
    const res = await get('PractitionerRole?practitioner=pr-li-na&_include=PractitionerRole:organization');
    expect(entries(res.body)).toEqual(['match PractitionerRole/prr-li-na-1']);
  });

  it('an unreachable reference: 404 or a reset connection, and never included', async () => {
    ehr.unreachable('Organization/org-nb-mch', 'not-found');
    expect((await get('Organization/org-nb-mch')).status).toBe(404);
    expect(entries((await get('PractitionerRole?practitioner=pr-li-na&_include=PractitionerRole:organization')).body)).toEqual([
      'match PractitionerRole/prr-li-na-1',
    ]);
    ehr.unreachable('Practitioner/pr-li-na', 'reset');
    expect((await get('Practitioner/pr-li-na')).status).toBe(0);
    expect(ehr.requests().map((r) => r.status)).toEqual([404, 200, 'reset']);
  });

  it('a missing or wrong bearer token is 401 and recorded', async () => {
    expect((await get('Practitioner/pr-li-na', 'not-the-token')).status).toBe(401);
    expect(ehr.badAuth).toEqual(['Practitioner/pr-li-na']);
    ehr.badAuth.splice(0);
  });
});
