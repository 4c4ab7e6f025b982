import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { createStore, type OpenedStore } from '../../src/store/create-store.js';
import { buildHarness, type Harness } from '../support/app-fixture.js';

const PROVINCE = 'province-token-0123456789';
const ORG_1 = 'org-1-token-0123456789abc';
const TOKENS = { [PROVINCE]: { role: 'province' as const }, [ORG_1]: { role: 'institution' as const, institution: 'org-1' } };

let store: OpenedStore;
let h: Harness;

beforeAll(async () => {
  store = await createStore({ databaseUrl: undefined, dataDir: 'memory://' });
  const registry = new MemoryRegistryStore();
  // Today (harness clock) is 2026-11-23 in Asia/Shanghai.
  await registry.upsert({
    practitioners: [
      { practitionerId: 'pr-1', name: '王芳', organizationIds: ['org-1'] },
      { practitionerId: 'pr-2', name: '陈静', organizationIds: ['org-2'] },
    ],
    organizations: [
      { organizationId: 'org-1', name: '甲医院' },
      { organizationId: 'org-2', name: '乙医院' },
    ],
    certificates: [
      {
        practitionerId: 'pr-1',
        technique: 'prenatal-diagnosis',
        number: 'C-1',
        validFrom: '2021-01-01',
        validTo: '2026-11-22',
        lastTraining: '2025-06-01',
      },
      {
        practitionerId: 'pr-2',
        technique: 'prenatal-screening',
        number: 'C-2',
        validFrom: '2024-01-01',
        validTo: '2027-01-15',
        lastTraining: '2024-11-22',
      },
    ],
    licences: [
      {
        organizationId: 'org-2',
        number: 'L-2',
        techniques: ['prenatal-screening'],
        validFrom: '2020-01-01',
        validTo: '2030-01-01',
        lastVerified: '2023-11-22',
      },
    ],
  });
  h = buildHarness({ env: { QC_TOKENS: JSON.stringify(TOKENS) }, deps: { audit: store.audit, registry } });
});
afterAll(async () => store?.close());

const get = (token: string | undefined, query: Record<string, string> = {}) => {
  const r = request(h.app).get('/qc/registry').query(query);
  return token ? r.set('Authorization', `Bearer ${token}`) : r;
};

describe('GET /qc/registry (issue [3/6]: act before an order is blocked)', () => {
  it('lists expired, expiring, training-overdue and verification-overdue credentials for the province', async () => {
    const res = await get(PROVINCE).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const items = res.body.items as { bucket: string; number: string; holder: string }[];
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ bucket: 'expired', number: 'C-1', holder: 'Practitioner/pr-1' }),
        expect.objectContaining({ bucket: 'expiring', number: 'C-2' }),
        expect.objectContaining({ bucket: 'training-overdue', number: 'C-2' }),
        expect.objectContaining({ bucket: 'verification-overdue', number: 'L-2', holder: 'Organization/org-2' }),
      ]),
    );
    expect(res.body.today).toBe('2026-11-23');
  });

  it('an institution token sees only its institution, and may not ask for another', async () => {
    const res = await get(ORG_1).expect(200);
    expect((res.body.items as { holder: string }[]).map((i) => i.holder)).toEqual(['Practitioner/pr-1']);
    await get(ORG_1, { institution: 'org-2' }).expect(403);
  });

  it('serves CSV on request, and refuses EHR-style or missing tokens', async () => {
    const csv = await get(PROVINCE, { format: 'csv' }).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text).toContain('C-1');
    expect(csv.text).toContain('L-2');
    await get(undefined).expect(401);
    await get('not-a-qc-token-at-all-xx').expect(401);
    await get(PROVINCE, { format: 'xml' }).expect(400);
  });
});
