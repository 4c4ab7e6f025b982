import { expect, it } from 'vitest';
import type { RegistryBatch, RegistryStore } from '../../src/registry/registry-store.js';

const EMPTY: RegistryBatch = { practitioners: [], organizations: [], certificates: [], licences: [] };

/** A registry import scenario: first load, an identical re-import, then an update. */
const FIRST: RegistryBatch = {
  practitioners: [
    { practitionerId: 'dr-1', name: '张医生', organizationIds: ['org-1'] },
    { practitionerId: 'dr-2', organizationIds: ['org-2'] },
  ],
  organizations: [{ organizationId: 'org-1', name: '市妇幼', institutionRole: 'prenatal-diagnosis-institution' }],
  certificates: [
    {
      practitionerId: 'dr-1',
      technique: 'prenatal-diagnosis',
      number: 'C-001',
      type: 'assessment-certificate',
      validFrom: '2023-01-01',
      validTo: '2026-01-01',
    },
    { practitionerId: 'dr-1', technique: 'prenatal-screening', number: 'C-001', validFrom: '2023-01-01' },
    { practitionerId: 'dr-3', technique: 'midwifery', number: 'C-003' },
  ],
  licences: [
    {
      organizationId: 'org-1',
      number: 'L-1',
      techniques: ['prenatal-screening', 'prenatal-diagnosis'],
      validTo: '2027-01-01',
      lastVerified: '2024-01-01',
    },
  ],
};
const UPDATE: RegistryBatch = {
  ...EMPTY,
  practitioners: [{ practitionerId: 'dr-1', organizationIds: ['org-9'] }],
  organizations: [{ organizationId: 'org-1', niptCooperation: [{ partnerOrganizationId: 'org-2', validTo: '2026-06-30' }] }],
  certificates: [
    {
      practitionerId: 'dr-1',
      technique: 'prenatal-diagnosis',
      number: 'C-001',
      type: 'assessment-certificate',
      validFrom: '2023-01-01',
      validTo: '2029-01-01',
    },
  ],
};

/** A certificate number and a licence handed to another holder (dr-3 is left with nothing), and records imported after them. */
const MOVE: RegistryBatch = {
  ...EMPTY,
  certificates: [
    { practitionerId: 'dr-1', technique: 'midwifery', number: 'C-003', validTo: '2030-01-01' },
    { practitionerId: 'dr-2', technique: 'prenatal-screening', number: 'C-004' },
  ],
  licences: [
    { organizationId: 'org-2', number: 'L-1', techniques: ['prenatal-screening'] },
    { organizationId: 'org-1', number: 'L-2', techniques: ['prenatal-diagnosis'] },
  ],
};

/**
 * The RegistryStore contract (src/orders/credential-records.ts): an adapter gives the same
 * summaries and the same contents as the reference (in-memory) store for the same imports.
 * Call inside a describe; `open` gives a new, empty store of each kind.
 */
export function registryStoreContract(open: () => Promise<{ subject: RegistryStore; reference: RegistryStore }>): void {
  it('upserts idempotently by natural key and reads back like the reference store', async () => {
    const { subject, reference } = await open();
    const readsAlike = async () => {
      for (const id of ['dr-1', 'dr-2', 'dr-3', 'nobody']) expect(await subject.practitioner(id)).toEqual(await reference.practitioner(id));
      for (const id of ['org-1', 'org-2', 'org-3']) expect(await subject.organization(id)).toEqual(await reference.organization(id));
      expect(await subject.list()).toEqual(await reference.list());
    };
    // After MOVE, C-003 is dr-1's (listed after C-001, imported first), dr-3 holds nothing and L-1 is
    // org-2's; FIRST again moves them back.
    for (const batch of [FIRST, FIRST, UPDATE, MOVE, EMPTY, FIRST]) {
      expect(await subject.upsert(batch)).toEqual(await reference.upsert(batch));
      await readsAlike();
    }
  }, 90_000);
}
