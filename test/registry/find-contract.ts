import { expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { IDENTIFIER_SYSTEMS } from '../../src/clinical/registry-identifiers.js';
import { lookupIdentifiers } from '../../src/orders/registry-keys.js';
import type { RegistryBatch, RegistryStore } from '../../src/registry/registry-store.js';

/**
 * The keyed-lookup contract of the RegistryStore (src/registry/CSV.md#matching): identifiers, then
 * certificate / licence numbers, then the resource id; several records or a contradicting identifier
 * is a conflict. Every adapter (memory, PGlite, PostgreSQL) must answer alike.
 */
const PC = IDENTIFIER_SYSTEMS.practisingCertificate;
const ID_HASH = IDENTIFIER_SYSTEMS.nationalIdHash;
const USCC = IDENTIFIER_SYSTEMS.uscc;
const LI_HASH = 'b1946ac92492d2347c6235b4d2611184e7a0c5e1f7b8c1f3c6b8e0a9c3d2f1e0';

export const REGISTRY: RegistryBatch = {
  practitioners: [
    {
      practitionerId: 'zj-doc-0187',
      name: '李敏',
      organizationIds: ['zj-org-hz-mch'],
      identifiers: [
        { system: PC, value: '110330000012345' },
        { system: ID_HASH, value: LI_HASH },
      ],
    },
    {
      practitionerId: 'zj-doc-0200',
      name: '王芳',
      organizationIds: ['zj-org-hz-mch'],
      identifiers: [{ system: PC, value: '110330000054321' }],
    },
    { practitionerId: 'zj-doc-0300', name: '陈静', organizationIds: ['zj-org-nb'] },
  ],
  organizations: [
    {
      organizationId: 'zj-org-hz-mch',
      name: '杭州市妇幼保健院',
      institutionRole: 'prenatal-diagnosis-institution',
      identifiers: [{ system: USCC, value: '12330100470100123X' }],
    },
    { organizationId: 'zj-org-nb', name: '宁波市妇女儿童医院', identifiers: [{ system: USCC, value: '123302004701002345' }] },
  ],
  certificates: [
    {
      practitionerId: 'zj-doc-0187',
      technique: 'prenatal-diagnosis',
      number: 'ZJ-CZ-2023-0187',
      validFrom: '2023-07-01',
      validTo: '2028-06-30',
    },
    {
      practitionerId: 'zj-doc-0200',
      technique: 'prenatal-screening',
      number: 'ZJ-CS-2022-0200',
      validFrom: '2022-01-01',
      validTo: '2027-01-01',
    },
    { practitionerId: 'zj-doc-0300', technique: 'midwifery', number: 'ZJ-ZC-2021-0300', validFrom: '2021-01-01', validTo: '2026-12-31' },
  ],
  licences: [
    {
      organizationId: 'zj-org-hz-mch',
      number: 'ZJ-MY-2021-007',
      techniques: ['prenatal-diagnosis', 'prenatal-screening'],
      validTo: '2027-05-31',
    },
    { organizationId: 'zj-org-nb', number: 'ZJ-MY-2022-031', techniques: ['midwifery'], validTo: '2028-01-01' },
  ],
};

/** Identifiers as an EHR sends them, filtered and expanded by the default policy. */
const ehr = (holder: 'practitioner' | 'organization', ...ids: { system: string; value: string }[]) =>
  lookupIdentifiers(DEFAULT_POLICY.registryIdentifiers, holder, ids);

type Found = {
  outcome: string;
  match?: string;
  record?: { practitionerId?: string; organizationId?: string };
  reason?: string;
  ids?: readonly string[];
};
const brief = (f: Found) =>
  f.outcome === 'found'
    ? { outcome: f.outcome, match: f.match, id: f.record?.practitionerId ?? f.record?.organizationId }
    : f.outcome === 'conflict'
      ? { outcome: f.outcome, match: f.match, reason: f.reason, ids: f.ids }
      : { outcome: f.outcome };

export function registryFindContract(open: () => Promise<RegistryStore>): void {
  it('a practitioner: identifier first, certificate number next, id last; conflicts are not matches', async () => {
    const store = await open();
    await store.upsert(REGISTRY);
    const p = async (keys: Parameters<RegistryStore['findPractitioner']>[0]) => brief(await store.findPractitioner(keys));

    // The identifier wins over an id that names another registry practitioner.
    expect(await p({ identifiers: ehr('practitioner', { system: PC, value: '110330000012345' }), id: 'zj-doc-0200' })).toEqual({
      outcome: 'found',
      match: 'identifier',
      id: 'zj-doc-0187',
    });
    // Two EHRs, two resource ids, one registry record: by practising-certificate code, by certificate number.
    expect(await p({ identifiers: ehr('practitioner', { system: PC, value: '110330000012345' }), id: 'ehr-a-Practitioner-1001' })).toEqual({
      outcome: 'found',
      match: 'identifier',
      id: 'zj-doc-0187',
    });
    expect(await p({ certificateNumbers: ['ZJ-CZ-2023-0187'], id: '7f3c9a4e-ehr-b' })).toEqual({
      outcome: 'found',
      match: 'certificate-number',
      id: 'zj-doc-0187',
    });
    // The national-ID hash alone finds her too.
    expect(await p({ identifiers: ehr('practitioner', { system: ID_HASH, value: LI_HASH }) })).toMatchObject({ id: 'zj-doc-0187' });
    // Identifier unknown to the registry: the certificate number decides before the id.
    expect(
      await p({
        identifiers: ehr('practitioner', { system: PC, value: '999' }),
        certificateNumbers: ['ZJ-CS-2022-0200'],
        id: 'zj-doc-0187',
      }),
    ).toEqual({ outcome: 'found', match: 'certificate-number', id: 'zj-doc-0200' });
    // Only the id: it is used.
    expect(await p({ id: 'zj-doc-0300' })).toEqual({ outcome: 'found', match: 'id', id: 'zj-doc-0300' });
    // The id collides with a registry practitioner whose practising-certificate code is another: not her.
    expect(await p({ identifiers: ehr('practitioner', { system: PC, value: '110330000077777' }), id: 'zj-doc-0200' })).toEqual({
      outcome: 'conflict',
      match: 'id',
      reason: 'identifier-differs',
      ids: ['zj-doc-0200'],
    });
    // An identifier of a system the registry record lacks does not contradict the id.
    expect(await p({ identifiers: ehr('practitioner', { system: ID_HASH, value: 'ffff' }), id: 'zj-doc-0200' })).toEqual({
      outcome: 'found',
      match: 'id',
      id: 'zj-doc-0200',
    });
    // Identifiers naming two registry practitioners: no match.
    expect(
      await p({
        identifiers: ehr('practitioner', { system: PC, value: '110330000054321' }, { system: ID_HASH, value: LI_HASH }),
      }),
    ).toEqual({ outcome: 'conflict', match: 'identifier', reason: 'several-records', ids: ['zj-doc-0187', 'zj-doc-0200'] });
    expect(await p({ certificateNumbers: ['ZJ-CZ-2023-0187', 'ZJ-ZC-2021-0300'] })).toMatchObject({
      outcome: 'conflict',
      reason: 'several-records',
    });
    expect(await p({ certificateNumbers: ['ZJ-XX-0000'], id: 'nobody' })).toEqual({ outcome: 'not-found' });
    expect(await p({})).toEqual({ outcome: 'not-found' });
    // The record found carries its certificates and identifiers.
    const found = await store.findPractitioner({ certificateNumbers: ['ZJ-CZ-2023-0187'] });
    expect(found.outcome === 'found' && found.record.certificates.map((c) => c.number)).toEqual(['ZJ-CZ-2023-0187']);
    expect(found.outcome === 'found' && found.record.identifiers).toEqual([
      { system: ID_HASH, value: LI_HASH },
      { system: PC, value: '110330000012345' },
    ]);
  }, 90_000);

  it('only current records count: a moved certificate and a corrected identifier', async () => {
    const store = await open();
    await store.upsert(REGISTRY);
    // The registry corrects 王芳's practising-certificate code (same system: replaced) and adds a hash (kept beside it).
    await store.upsert({
      practitioners: [{ practitionerId: 'zj-doc-0200', identifiers: [{ system: PC, value: '110330000054322' }] }],
      organizations: [],
      certificates: [{ practitionerId: 'zj-doc-0300', technique: 'prenatal-screening', number: 'ZJ-CS-2022-0200', validTo: '2027-01-01' }],
      licences: [{ organizationId: 'zj-org-nb', number: 'ZJ-MY-2021-007', techniques: ['prenatal-diagnosis'] }],
    });
    await store.upsert({
      practitioners: [{ practitionerId: 'zj-doc-0200', identifiers: [{ system: ID_HASH, value: 'a'.repeat(64) }] }],
      organizations: [],
      certificates: [],
      licences: [],
    });
    const old = await store.findPractitioner({ identifiers: ehr('practitioner', { system: PC, value: '110330000054321' }) });
    expect(old.outcome).toBe('not-found');
    const now = await store.findPractitioner({ identifiers: ehr('practitioner', { system: PC, value: '110330000054322' }) });
    expect(now.outcome === 'found' && now.record.identifiers).toEqual([
      { system: ID_HASH, value: 'a'.repeat(64) },
      { system: PC, value: '110330000054322' },
    ]);
    expect(brief(await store.findPractitioner({ certificateNumbers: ['ZJ-CS-2022-0200'] }))).toEqual({
      outcome: 'found',
      match: 'certificate-number',
      id: 'zj-doc-0300',
    });
    expect(brief(await store.findOrganization({ licenceNumbers: ['ZJ-MY-2021-007'] }))).toEqual({
      outcome: 'found',
      match: 'licence-number',
      id: 'zj-org-nb',
    });
  }, 90_000);

  it('an organization: USCC first, licence number next, id last', async () => {
    const store = await open();
    await store.upsert(REGISTRY);
    const o = async (keys: Parameters<RegistryStore['findOrganization']>[0]) => brief(await store.findOrganization(keys));
    expect(await o({ identifiers: ehr('organization', { system: USCC, value: '12330100470100123X' }), id: 'zj-org-nb' })).toEqual({
      outcome: 'found',
      match: 'identifier',
      id: 'zj-org-hz-mch',
    });
    expect(await o({ licenceNumbers: ['ZJ-MY-2022-031'], id: 'Organization-hospital-b-17' })).toEqual({
      outcome: 'found',
      match: 'licence-number',
      id: 'zj-org-nb',
    });
    expect(await o({ id: 'zj-org-nb' })).toEqual({ outcome: 'found', match: 'id', id: 'zj-org-nb' });
    expect(await o({ identifiers: ehr('organization', { system: USCC, value: '91330000000000000A' }), id: 'zj-org-nb' })).toEqual({
      outcome: 'conflict',
      match: 'id',
      reason: 'identifier-differs',
      ids: ['zj-org-nb'],
    });
    const found = await store.findOrganization({ identifiers: ehr('organization', { system: USCC, value: '12330100470100123X' }) });
    expect(found.outcome === 'found' && found.record.licences.map((l) => l.number)).toEqual(['ZJ-MY-2021-007']);
    expect(found.outcome === 'found' && found.record.institutionRole).toBe('prenatal-diagnosis-institution');
  }, 90_000);
}
