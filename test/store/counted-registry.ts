import type { RegistryStore } from '../../src/orders/credential-records.js';

/** The store with every read counted; `failNext` makes the next read throw. */
export function counted(inner: RegistryStore): { store: RegistryStore; reads: () => number; failNext: () => void } {
  let reads = 0;
  let fail = false;
  const read =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      reads += 1;
      if (fail) {
        fail = false;
        throw new Error('registry statement failed');
      }
      return f(...a);
    };
  return {
    store: {
      ...inner,
      practitioner: read((id: string) => inner.practitioner(id)),
      organization: read((id: string) => inner.organization(id)),
      findPractitioner: read((k: Parameters<RegistryStore['findPractitioner']>[0]) => inner.findPractitioner(k)),
      findOrganization: read((k: Parameters<RegistryStore['findOrganization']>[0]) => inner.findOrganization(k)),
      upsert: (b) => inner.upsert(b),
      list: () => inner.list(),
    },
    reads: () => reads,
    failNext: () => {
      fail = true;
    },
  };
}

/** The licence identifier of 杭州市妇幼保健院 (the institution of HZ_MCH_BATCH). */
export const HZ_MCH_LICENCE = { system: 'https://www.zjwjw.gov.cn/licence', value: 'PDX-330100-001' };
/** A registry import as the health bureau's export gives it: one prenatal-diagnosis institution and one certified physician. */
export const HZ_MCH_BATCH = {
  practitioners: [{ practitionerId: 'pr-wang-fang', name: '王芳', organizationIds: ['org-hz-mch'] }],
  organizations: [
    {
      organizationId: 'org-hz-mch',
      name: '杭州市妇幼保健院',
      identifiers: [HZ_MCH_LICENCE],
      institutionRole: 'prenatal-diagnosis-institution' as const,
    },
  ],
  certificates: [
    { practitionerId: 'pr-wang-fang', technique: 'prenatal-diagnosis' as const, number: 'ZJ-PD-2023-0107', validTo: '2027-06-30' },
  ],
  licences: [
    { organizationId: 'org-hz-mch', number: 'PDX-330100-001', techniques: ['prenatal-diagnosis' as const], validTo: '2028-12-31' },
  ],
};
