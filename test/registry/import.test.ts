import { describe, expect, it } from 'vitest';
import { parseRegistryBundle } from '../../src/registry/import-bundle.js';
import { parseRegistryCsv } from '../../src/registry/import-csv.js';
import { applyImport } from '../../src/registry/import-result.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { REGISTRY_CSV, registryBundle } from './fixtures.js';

describe('registry CSV import (src/registry/CSV.md)', () => {
  it('accepts good rows, rejects bad ones with spreadsheet row numbers and every reason', () => {
    const parsed = parseRegistryCsv(REGISTRY_CSV);
    expect(parsed.fileErrors).toEqual([]);
    expect(parsed.acceptedRows).toBe(3);
    expect(parsed.rejected).toEqual([
      {
        row: 5,
        subject: 'certificate ?',
        reasons: [
          'certificate number is required',
          'last_training "2024-13-01" is not a valid date (YYYY-MM-DD)',
          'valid_to is before valid_from',
        ],
      },
      { row: 6, subject: 'licence ZJ-MY-2019-1', reasons: ['technique "ivf" is not an mch-technique code'] },
      { row: 7, reasons: ['kind must be "certificate" or "licence", found "doctor"'] },
      {
        row: 8,
        subject: 'certificate ZJ-CQ-9',
        reasons: ['certificate_type "bad-type" is not one of assessment-certificate, annotated-physician-licence'],
      },
    ]);
    expect(parsed.batch.certificates.map((c) => `${c.number}|${c.technique}`)).toEqual([
      'ZJ-CQ-2022-0018|prenatal-diagnosis',
      'ZJ-CQ-2022-0018|prenatal-screening',
    ]);
    expect(parsed.batch.licences).toEqual([
      {
        organizationId: 'org-hz-mch',
        number: 'ZJ-MY-2021-007',
        techniques: ['prenatal-diagnosis', 'prenatal-screening'],
        validFrom: '2021-06-01',
        validTo: '2026-05-31',
        lastVerified: '2024-06-01',
      },
    ]);
    expect(parsed.batch.organizations).toEqual([
      { organizationId: 'org-hz-mch', name: '杭州市妇幼保健院, 产前诊断中心', institutionRole: 'prenatal-diagnosis-institution' },
    ]);
    expect(parsed.batch.practitioners).toEqual([{ practitionerId: 'prac-li', name: '李敏', organizationIds: ['org-hz-mch'] }]);
  });

  it('importing twice changes nothing', async () => {
    const store = new MemoryRegistryStore();
    const first = await applyImport(store, parseRegistryCsv(REGISTRY_CSV));
    expect(first).toMatchObject({ inserted: 5, updated: 0, unchanged: 0, acceptedRows: 3 });
    const before = await store.list();
    const second = await applyImport(store, parseRegistryCsv(REGISTRY_CSV));
    expect(second).toMatchObject({ inserted: 0, updated: 0, unchanged: 5 });
    expect(await store.list()).toEqual(before);
  });

  it('a changed record is an update, by natural key', async () => {
    const store = new MemoryRegistryStore();
    await applyImport(store, parseRegistryCsv(REGISTRY_CSV));
    const renewed = REGISTRY_CSV.replace(
      '2026-05-31,,ZJ-MY-2021-007,2024-06-01,prenatal-diagnosis-institution',
      '2031-05-31,,ZJ-MY-2021-007,2024-06-01,prenatal-diagnosis-institution',
    ).replace('2021-06-01,2026-05-31,,ZJ-MY-2021-007,2024-06-01,\r', '2021-06-01,2031-05-31,,ZJ-MY-2021-007,2024-06-01,\r');
    const r = await applyImport(store, parseRegistryCsv(renewed));
    expect(r).toMatchObject({ inserted: 0, updated: 1, unchanged: 4 });
    expect((await store.organization('org-hz-mch'))!.licences[0]!.validTo).toBe('2031-05-31');
  });

  it.each([
    ['', ['empty file: a header row is required']],
    ['kind,technique,licence_no\r\n', ['unknown column "licence_no"']],
    ['practitioner_id,certificate_number\n', ['missing column "kind"', 'missing column "technique"']],
    ['kind,technique,kind\n', ['duplicate column "kind"']],
  ])('file errors: %j', (text, errors) => {
    expect(parseRegistryCsv(text).fileErrors).toEqual(errors);
  });

  it('a short row is rejected, not misread', () => {
    const parsed = parseRegistryCsv('kind,practitioner_id,technique,certificate_number\ncertificate,prac-li,prenatal-diagnosis\n');
    expect(parsed.rejected[0]).toMatchObject({ row: 2, reasons: expect.arrayContaining(['expected 4 fields, found 3']) });
  });
});

describe('registry FHIR Bundle import', () => {
  it('accepts Practitioner / Organization / PractitionerRole entries, rejects bad ones with reasons', () => {
    const parsed = parseRegistryBundle(registryBundle());
    expect(parsed.acceptedRows).toBe(3);
    expect(parsed.rejected).toEqual([
      {
        row: 4,
        subject: 'Practitioner/prac-bad',
        reasons: [
          'qualification[2]: unknown technique "ivf"',
          'prenatal-diagnosis: valid_to "2027-02-30" is not a valid date (YYYY-MM-DD)',
        ],
      },
      { row: 5, subject: 'Patient/pat-1', reasons: ['unsupported resource type Patient'] },
      {
        row: 6,
        subject: 'PractitionerRole/role-x',
        reasons: [
          'PractitionerRole.practitioner must reference a Practitioner',
          'PractitionerRole.organization must reference an Organization',
        ],
      },
    ]);
    expect(parsed.batch.practitioners).toEqual([{ practitionerId: 'prac-li', name: '李敏', organizationIds: ['org-hz-mch'] }]);
    expect(parsed.batch.certificates).toHaveLength(2);
    expect(parsed.batch.licences.map((l) => l.number)).toEqual(['ZJ-MY-2021-007']);
  });

  it('is idempotent and agrees with the EHR reading of the same resources', async () => {
    const store = new MemoryRegistryStore();
    const first = await applyImport(store, parseRegistryBundle(registryBundle()));
    expect(first).toMatchObject({ inserted: 5, updated: 0, unchanged: 0 });
    expect(await applyImport(store, parseRegistryBundle(registryBundle()))).toMatchObject({ inserted: 0, updated: 0, unchanged: 5 });
    const org = await store.organization('org-hz-mch');
    expect(org).toMatchObject({ name: '杭州市妇幼保健院', institutionRole: 'prenatal-diagnosis-institution', niptCooperation: [] });
  });

  it('a CSV import after a Bundle import keeps what the CSV does not carry', async () => {
    const store = new MemoryRegistryStore();
    await applyImport(store, parseRegistryBundle(registryBundle()));
    await applyImport(store, parseRegistryCsv(REGISTRY_CSV));
    const p = await store.practitioner('prac-li');
    expect(p!.organizationIds).toEqual(['org-hz-mch']);
    // Bundle: 0018 (diagnosis), 0019 (screening); CSV: 0018 for both → 3 keys (number, technique).
    expect(p!.certificates.map((c) => `${c.number}|${c.technique}`).sort()).toEqual([
      'ZJ-CQ-2022-0018|prenatal-diagnosis',
      'ZJ-CQ-2022-0018|prenatal-screening',
      'ZJ-CQ-2022-0019|prenatal-screening',
    ]);
  });

  it.each([null, 42, { resourceType: 'Patient' }])('not a Bundle: %j', (input) => {
    expect(parseRegistryBundle(input).fileErrors).toEqual(['not a FHIR Bundle']);
  });

  it('unusable file: nothing is upserted', async () => {
    const store = new MemoryRegistryStore();
    expect(await applyImport(store, parseRegistryCsv('nonsense\n'))).toMatchObject({ inserted: 0, fileErrors: expect.any(Array) });
    expect(await store.list()).toEqual({ practitioners: [], organizations: [] });
  });
});
