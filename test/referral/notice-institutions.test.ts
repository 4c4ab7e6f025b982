import type { Extension, Organization, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import type { CallInstitution } from '../../src/clinical/call-institution.js';
import { EXTENSIONS } from '../../src/clinical/codes.js';
import { DEFAULT_POLICY, parsePolicy, type Policy } from '../../src/clinical/policy.js';
import { IDENTIFIER_SYSTEMS } from '../../src/clinical/registry-identifiers.js';
import { createSnapshot, type UnresolvedReference } from '../../src/fhir/snapshot.js';
import type { RegistryBatch, RegistryStore } from '../../src/orders/credential-records.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { printableInstitution, resolveNoticeInstitutions } from '../../src/referral/notice-institutions.js';

/**
 * The institutions the Art. 25 notice names (docs/design.md#written-notice): the calling
 * institution by its real name (Organization, registry by business keys, the policy's when it is
 * this one) and the partner prenatal-diagnosis institution of its current NIPT cooperation (record
 * or registry), else the policy's. Hospital B (萧山) calls; its partner is 浙大妇院. Today 2026-11-23.
 */
const TODAY = '2026-11-23';
const B_USCC = '12330109MB1234567Y';
const ZJU_USCC = '12330000470051726F';
const ROLE = (code: string): Extension => ({ url: EXTENSIONS.mchInstitutionRole, valueCode: code });

function coop(partnerId: string, start: string, end?: string, uscc?: string): Extension {
  return {
    url: EXTENSIONS.niptCooperation,
    extension: [
      {
        url: 'partner',
        valueReference: {
          reference: `Organization/${partnerId}`,
          ...(uscc ? { identifier: { system: IDENTIFIER_SYSTEMS.uscc, value: uscc } } : {}),
        },
      },
      { url: 'period', valuePeriod: { start, ...(end ? { end } : {}) } },
    ],
  };
}

const hospitalB = (extension: Extension[] = [coop('org-zju-women', '2025-01-01', '2027-12-31')], name?: string): Organization => ({
  resourceType: 'Organization',
  id: 'org-b-xs',
  ...(name === undefined ? { name: '杭州市萧山区妇幼保健院' } : name ? { name } : {}),
  identifier: [{ system: IDENTIFIER_SYSTEMS.uscc, value: B_USCC }],
  address: [{ text: '杭州市萧山区市心南路 118 号' }],
  telecom: [{ system: 'phone', value: '0571-82652100' }],
  extension: [ROLE('prenatal-screening-institution'), ...extension],
});

const ZJU: Organization = {
  resourceType: 'Organization',
  id: 'org-zju-women',
  name: '浙江大学医学院附属妇产科医院',
  address: [{ text: '杭州市上城区学士路 1 号' }],
  telecom: [{ system: 'phone', value: '0571-87061501' }],
  extension: [ROLE('prenatal-diagnosis-institution')],
};

const NAMED_POLICY = parsePolicy({
  institution: { id: 'org-a-hz', name: '杭州市妇幼保健院', phone: '0571-87071888' },
  referralInstitution: { id: 'org-a-partner', name: '浙江省人民医院产前诊断中心' },
});

function snapshotOf(resources: Resource[], unresolved: UnresolvedReference[] = []) {
  return createSnapshot({ patientId: 'p-1', resources, unresolved });
}

const callB = (organization?: Organization): CallInstitution => ({
  id: 'org-b-xs',
  via: 'practitioner-role',
  ...(organization ? { organization } : {}),
});

async function registryWith(...organizations: RegistryBatch['organizations']) {
  const r = new MemoryRegistryStore();
  await r.upsert({ practitioners: [], organizations, certificates: [], licences: [] });
  return r;
}

const down: RegistryStore = {
  upsert: () => Promise.reject(new Error('down')),
  practitioner: () => Promise.reject(new Error('down')),
  organization: () => Promise.reject(new Error('down')),
  findPractitioner: () => Promise.reject(new Error('down')),
  findOrganization: () => Promise.reject(new Error('down')),
  list: () => Promise.reject(new Error('down')),
};

const resolve = (
  resources: Resource[],
  call: CallInstitution | undefined,
  registry: RegistryStore,
  policy: Policy = DEFAULT_POLICY,
  unresolved: UnresolvedReference[] = [],
) => resolveNoticeInstitutions(snapshotOf(resources, unresolved), call, registry, policy, TODAY);

describe('the calling institution on the notice', () => {
  it('its Organization: name, address and phone', async () => {
    const b = hospitalB();
    const { institution } = await resolve([b, ZJU], callB(b), new MemoryRegistryStore());
    expect(institution).toEqual({
      id: 'org-b-xs',
      name: '杭州市萧山区妇幼保健院',
      address: '杭州市萧山区市心南路 118 号',
      phone: '0571-82652100',
      source: 'organization',
    });
  });

  it('an Organization without a name: the registry record found by its USCC (another id in the registry)', async () => {
    const b = hospitalB(undefined, '');
    const registry = await registryWith({
      organizationId: 'reg-330109-xs-mch',
      name: '杭州市萧山区妇幼保健院（登记名）',
      identifiers: [{ system: IDENTIFIER_SYSTEMS.uscc, value: B_USCC }],
    });
    const { institution } = await resolve([b], callB(b), registry);
    expect(institution).toEqual({ id: 'org-b-xs', name: '杭州市萧山区妇幼保健院（登记名）', source: 'registry' });
  });

  it('unknown to the record and the registry: the policy institution only when its id is this one', async () => {
    const own = await resolve([], { id: 'org-a-hz', via: 'policy' }, new MemoryRegistryStore(), NAMED_POLICY);
    expect(own.institution).toEqual({ id: 'org-a-hz', name: '杭州市妇幼保健院', phone: '0571-87071888', source: 'policy' });
    const other = await resolve([], callB(), new MemoryRegistryStore(), NAMED_POLICY);
    expect(other.institution).toEqual({ id: 'org-b-xs', source: 'none' });
    expect(printableInstitution(other.institution)).toBeUndefined();
  });

  it('never the policy placeholder wording, and nothing without a call institution', async () => {
    const placeholder = await resolve(
      [],
      { id: 'x', via: 'issuer' },
      new MemoryRegistryStore(),
      parsePolicy({ institution: { id: 'x', name: '（本机构）' } }),
    );
    expect(placeholder.institution).toEqual({ id: 'x', source: 'none' });
    const none = await resolve([], undefined, new MemoryRegistryStore());
    expect(none).toEqual({ institution: { source: 'none' }, referralInstitution: { source: 'none' } });
  });

  it('a failing registry is skipped', async () => {
    const b = hospitalB();
    const { institution, referralInstitution } = await resolve([b, ZJU], callB(b), down, NAMED_POLICY);
    expect(institution.source).toBe('organization');
    expect(referralInstitution).toMatchObject({ id: 'org-zju-women', source: 'cooperation' });
  });
});

describe('the partner prenatal-diagnosis institution on the notice', () => {
  it("B's Organization names its partner, read from the record: the partner's own name and contact", async () => {
    const b = hospitalB();
    const { referralInstitution } = await resolve([b, ZJU], callB(b), new MemoryRegistryStore(), NAMED_POLICY);
    expect(referralInstitution).toEqual({
      id: 'org-zju-women',
      name: '浙江大学医学院附属妇产科医院',
      address: '杭州市上城区学士路 1 号',
      phone: '0571-87061501',
      source: 'cooperation',
    });
    expect(printableInstitution(referralInstitution)).toEqual({
      id: 'org-zju-women',
      name: '浙江大学医学院附属妇产科医院',
      address: '杭州市上城区学士路 1 号',
      phone: '0571-87061501',
    });
  });

  it('the partner the EHR cannot serve (404): its registry name, found by the USCC on the reference', async () => {
    const b = hospitalB([coop('org-zju-women', '2025-01-01', undefined, ZJU_USCC)]);
    const registry = await registryWith({
      organizationId: 'reg-330000-zju-women',
      name: '浙江大学医学院附属妇产科医院',
      identifiers: [{ system: IDENTIFIER_SYSTEMS.uscc, value: ZJU_USCC }],
      institutionRole: 'prenatal-diagnosis-institution',
    });
    const { referralInstitution } = await resolve([b], callB(b), registry, NAMED_POLICY, [
      { reference: 'Organization/org-zju-women', reason: 'fetch failed: http-status 404' },
    ]);
    expect(referralInstitution).toEqual({ id: 'org-zju-women', name: '浙江大学医学院附属妇产科医院', source: 'cooperation' });
  });

  it("the registry's cooperation record of B, when B's Organization is not in the record", async () => {
    const registry = await registryWith(
      {
        organizationId: 'org-b-xs',
        name: '杭州市萧山区妇幼保健院',
        institutionRole: 'prenatal-screening-institution',
        niptCooperation: [{ partnerOrganizationId: 'reg-zju', validFrom: '2025-01-01' }],
      },
      { organizationId: 'reg-zju', name: '浙江大学医学院附属妇产科医院', institutionRole: 'prenatal-diagnosis-institution' },
    );
    const got = await resolve([], callB(), registry, NAMED_POLICY);
    expect(got.institution).toEqual({ id: 'org-b-xs', name: '杭州市萧山区妇幼保健院', source: 'registry' });
    expect(got.referralInstitution).toEqual({ id: 'reg-zju', name: '浙江大学医学院附属妇产科医院', source: 'cooperation' });
  });

  it.each([
    ['the agreement ended yesterday', [coop('org-zju-women', '2024-01-01', '2026-11-22')], [ZJU]],
    ['the agreement starts tomorrow', [coop('org-zju-women', '2026-11-24')], [ZJU]],
    [
      'the partner is only a screening institution',
      [coop('org-zju-women', '2025-01-01')],
      [{ ...ZJU, extension: [ROLE('prenatal-screening-institution')] }],
    ],
    ['the partner is known to no source', [coop('org-zju-women', '2025-01-01')], []],
    ['B has no cooperation', [], [ZJU]],
  ] as [string, Extension[], Organization[]][])('%s: the policy referral institution', async (_name, coops, partner) => {
    const b = hospitalB(coops);
    const { referralInstitution } = await resolve([b, ...partner], callB(b), new MemoryRegistryStore(), NAMED_POLICY);
    expect(referralInstitution).toEqual({ id: 'org-a-partner', name: '浙江省人民医院产前诊断中心', source: 'policy' });
  });

  it('the last day of the agreement still counts', async () => {
    const b = hospitalB([coop('org-zju-women', '2024-01-01', TODAY)]);
    const { referralInstitution } = await resolve([b, ZJU], callB(b), new MemoryRegistryStore(), NAMED_POLICY);
    expect(referralInstitution.source).toBe('cooperation');
  });

  it('no partner and only the policy placeholder: no name (never "（合作产前诊断机构）")', async () => {
    const b = hospitalB([]);
    const { referralInstitution } = await resolve([b], callB(b), new MemoryRegistryStore());
    expect(referralInstitution).toEqual({ source: 'none' });
  });
});
