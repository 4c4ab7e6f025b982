import type { Organization, Practitioner, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { IDENTIFIER_SYSTEMS } from '../../src/clinical/registry-identifiers.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { amnio, day, licenceExtension, organization, practitioner, practitionerRole, qualification, yearsAgo } from './support/fixtures.js';
import { runOrderSign } from './support/run.js';

/**
 * The order checks find the provincial registry's record of the ordering practitioner and
 * institution by business keys, not by the EHR's resource ids (src/registry/CSV.md#matching):
 * practising-certificate code / national-ID hash / certificate number, USCC / licence number, then id.
 * The registry holds 李敏 with an EXPIRED certificate and 王芳 with a valid one, so whose record was
 * used shows in the finding.
 */
const PC = IDENTIFIER_SYSTEMS.practisingCertificate;
const USCC = IDENTIFIER_SYSTEMS.uscc;
const HOSPITAL_STAFF_NO = 'urn:oid:2.16.156.10011.1.4';

async function provincialRegistry(): Promise<MemoryRegistryStore> {
  const r = new MemoryRegistryStore();
  await r.upsert({
    practitioners: [
      { practitionerId: 'zj-doc-0187', name: '李敏', identifiers: [{ system: PC, value: '110330000012345' }] },
      { practitionerId: 'zj-doc-0200', name: '王芳', identifiers: [{ system: PC, value: '110330000054321' }] },
    ],
    organizations: [
      { organizationId: 'zj-org-hz-mch', name: '杭州市妇幼保健院', identifiers: [{ system: USCC, value: '12330100470100123X' }] },
    ],
    certificates: [
      {
        practitionerId: 'zj-doc-0187',
        technique: 'prenatal-diagnosis',
        number: 'ZJ-CZ-2023-0187',
        validFrom: '2020-07-01',
        validTo: day(-1),
        lastTraining: yearsAgo(1),
      },
      {
        practitionerId: 'zj-doc-0200',
        technique: 'prenatal-diagnosis',
        number: 'ZJ-CZ-2022-0200',
        validFrom: '2022-01-01',
        validTo: '2028-12-31',
        lastTraining: yearsAgo(1),
      },
    ],
    licences: [
      {
        organizationId: 'zj-org-hz-mch',
        number: 'ZJ-MY-2021-007',
        techniques: ['prenatal-diagnosis'],
        validFrom: '2021-06-01',
        validTo: day(-1),
        lastVerified: yearsAgo(1),
      },
    ],
  });
  return r;
}

/** An EHR's Practitioner: its own id, its identifiers, a valid certificate in its own data unless told otherwise. */
function ehrPractitioner(id: string, identifiers: { system: string; value: string }[], certificateNumber?: string): Practitioner {
  const p = practitioner(id, [
    qualification('prenatal-diagnosis', { number: certificateNumber ?? `EHR-${id}`, end: '2029-01-01', lastTraining: yearsAgo(1) }),
  ]);
  return { ...p, identifier: identifiers };
}

/** An EHR's Organization with a valid licence in its own data. */
function ehrOrganization(id: string, identifiers: { system: string; value: string }[], licenceNumber = `EHR-L-${id}`): Organization {
  return { ...organization(id, [licenceExtension({ number: licenceNumber, lastVerified: yearsAgo(1) })]), identifier: identifiers };
}

async function sign(p: Practitioner, o: Organization) {
  const resources: Resource[] = [p, o, practitionerRole(`role-${p.id}`, p.id!, o.id!)];
  return runOrderSign({ resources, orders: [amnio()], userId: `Practitioner/${p.id}` }, { registry: await provincialRegistry() });
}

const certFinding = (findings: Awaited<ReturnType<typeof sign>>['findings']) => findings.find((f) => f.rule.startsWith('cert-'));
const licenceFinding = (findings: Awaited<ReturnType<typeof sign>>['findings']) => findings.find((f) => f.rule.startsWith('licence-'));

describe('order-sign: the registry record is found by business keys (src/registry/CSV.md#matching)', () => {
  it('two EHRs with different resource ids for 李敏 both reach her one registry record', async () => {
    const org = ehrOrganization('org-hz-mch', [{ system: USCC, value: '12330100470100123X' }]);
    // EHR A sends her practising-certificate code; EHR B only her certificate number (and its own staff number).
    const a = await sign(ehrPractitioner('ehr-a-Practitioner-1001', [{ system: PC, value: '110330000012345' }]), org);
    const b = await sign(ehrPractitioner('P000123', [{ system: HOSPITAL_STAFF_NO, value: 'HZ-0457' }], 'ZJ-CZ-2023-0187'), org);
    for (const [run, match] of [
      [a, 'identifier'],
      [b, 'certificate-number'],
    ] as const) {
      expect(certFinding(run.findings)).toMatchObject({
        rule: 'cert-expired',
        params: { source: 'registry', certificateNumber: 'ZJ-CZ-2023-0187', registryMatch: match, registryId: 'zj-doc-0187' },
      });
    }
  });

  it("the identifier wins over a colliding id: an EHR whose Practitioner id is 王芳's registry id gets 李敏's record", async () => {
    const org = ehrOrganization('org-hz-mch', [{ system: USCC, value: '12330100470100123X' }]);
    const { findings } = await sign(ehrPractitioner('zj-doc-0200', [{ system: PC, value: '110330000012345' }]), org);
    // By id, 王芳's valid certificate would have passed: the expired one is 李敏's.
    expect(certFinding(findings)).toMatchObject({
      rule: 'cert-expired',
      params: { source: 'registry', certificateNumber: 'ZJ-CZ-2023-0187', registryMatch: 'identifier', registryId: 'zj-doc-0187' },
    });
  });

  it('an id that names a registry record with another practising-certificate code is not used: the EHR data decide', async () => {
    const org = ehrOrganization('org-hz-mch', [{ system: USCC, value: '12330100470100123X' }]);
    const p = practitioner('zj-doc-0200', [
      qualification('prenatal-diagnosis', { number: 'EHR-1', end: day(-3), lastTraining: yearsAgo(1) }),
    ]);
    const { findings } = await sign({ ...p, identifier: [{ system: PC, value: '110330000099999' }] }, org);
    const f = certFinding(findings)!;
    expect(f).toMatchObject({ rule: 'cert-expired', params: { source: 'ehr', certificateNumber: 'EHR-1' } });
    expect(f.params['registryMatch']).toBeUndefined();
    expect(f.params['dataProblems']).toEqual([
      'Practitioner/zj-doc-0200: registry record zj-doc-0200 has the same id but another identifier; the registry is not used',
    ]);
  });

  it('the institution is found by its USCC or its licence number, whatever its id in the EHR', async () => {
    const p = ehrPractitioner('ehr-a-Practitioner-1001', [{ system: PC, value: '110330000054321' }]);
    const byUscc = await sign(p, ehrOrganization('Organization-17', [{ system: USCC, value: '12330100470100123X' }]));
    const byLicence = await sign(p, ehrOrganization('org-b-hz-women', [], 'ZJ-MY-2021-007'));
    for (const [run, match] of [
      [byUscc, 'identifier'],
      [byLicence, 'licence-number'],
    ] as const) {
      expect(licenceFinding(run.findings)).toMatchObject({
        rule: 'licence-expired',
        params: { source: 'registry', registryMatch: match, registryId: 'zj-org-hz-mch' },
      });
      // 王芳 found by her code: her valid certificate passes.
      expect(certFinding(run.findings)).toBeUndefined();
    }
  });

  it('by id when the EHR sends no business key (registryId then left out: it is the EHR id)', async () => {
    const p = practitioner('zj-doc-0187', [
      qualification('prenatal-diagnosis', { number: 'EHR-2', end: '2029-01-01', lastTraining: yearsAgo(1) }),
    ]);
    const { findings } = await sign({ ...p, identifier: [] }, ehrOrganization('zj-org-hz-mch', []));
    expect(certFinding(findings)).toMatchObject({ rule: 'cert-expired', params: { source: 'registry', registryMatch: 'id' } });
    expect(certFinding(findings)!.params['registryId']).toBeUndefined();
    expect(licenceFinding(findings)).toMatchObject({ rule: 'licence-expired', params: { registryMatch: 'id' } });
  });

  it('which systems count is policy: without practising-certificate configured, the code is ignored', async () => {
    const org = ehrOrganization('org-hz-mch', []);
    const p = ehrPractitioner('ehr-a-Practitioner-1001', [{ system: PC, value: '110330000012345' }]);
    const resources: Resource[] = [p, org, practitionerRole('role-a', p.id!, org.id!)];
    const { findings } = await runOrderSign(
      { resources, orders: [amnio()], userId: `Practitioner/${p.id}` },
      {
        registry: await provincialRegistry(),
        policy: { registryIdentifiers: { practitioner: { 'national-id-hash': [IDENTIFIER_SYSTEMS.nationalIdHash] } } },
      },
    );
    // Not found in the registry: the EHR's valid certificate decides.
    expect(certFinding(findings)).toBeUndefined();
  });
});
