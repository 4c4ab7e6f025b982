import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, parsePolicy } from '../../src/clinical/policy.js';
import { IDENTIFIER_SYSTEMS } from '../../src/clinical/registry-identifiers.js';
import { parseRegistryBundle } from '../../src/registry/import-bundle.js';
import { parseRegistryCsv } from '../../src/registry/import-csv.js';
import { applyImport } from '../../src/registry/import-result.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';

/** Registry imports carry business identifiers (src/registry/CSV.md#identifiers). */
const PC = IDENTIFIER_SYSTEMS.practisingCertificate;
const HASH = IDENTIFIER_SYSTEMS.nationalIdHash;
const USCC = IDENTIFIER_SYSTEMS.uscc;
const HEADER =
  'kind,practitioner_id,practitioner_name,practitioner_identifier,organization_id,organization_name,organization_identifier,technique,certificate_number,licence_number,valid_from,valid_to';

const csv = (...rows: string[]) => [HEADER, ...rows].join('\r\n') + '\r\n';

describe('registry CSV: practitioner_identifier and organization_identifier', () => {
  it('reads system|value lists (kind names or URIs, ; separated) onto the practitioner and the organization', () => {
    const parsed = parseRegistryCsv(
      csv(
        `certificate,zj-doc-0187,李敏,practising-certificate|110330000012345; ${HASH}|${'c'.repeat(64)},zj-org-hz-mch,,,prenatal-diagnosis,ZJ-CZ-2023-0187,,2023-07-01,2028-06-30`,
        `licence,,,,zj-org-hz-mch,杭州市妇幼保健院,uscc|12330100470100123X,prenatal-diagnosis,,ZJ-MY-2021-007,2021-06-01,2027-05-31`,
      ),
    );
    expect(parsed.rejected).toEqual([]);
    expect(parsed.batch.practitioners).toEqual([
      {
        practitionerId: 'zj-doc-0187',
        name: '李敏',
        organizationIds: ['zj-org-hz-mch'],
        identifiers: [
          { system: HASH, value: 'c'.repeat(64) },
          { system: PC, value: '110330000012345' },
        ],
      },
    ]);
    expect(parsed.batch.organizations).toEqual([
      { organizationId: 'zj-org-hz-mch', name: '杭州市妇幼保健院', identifiers: [{ system: USCC, value: '12330100470100123X' }] },
    ]);
    // The certificate is listed under the institution of its row.
    expect(parsed.batch.certificates[0]).toMatchObject({ number: 'ZJ-CZ-2023-0187', organizationId: 'zj-org-hz-mch' });
  });

  it('rejects a malformed system|value, an unknown kind or system, and an identifier on the wrong row kind', () => {
    const bad = [
      'practising-certificate', // no |
      'practising-certificate|', // no value
      '|110330000012345', // no system
      'practising-certificate|1103|30000012345', // two |
      'urn:oid:2.16.156.10011.1.4|HZ-0457', // a hospital staff number: not a configured system
      'uscc|12330100470100123X', // an organization kind on a practitioner
    ];
    const parsed = parseRegistryCsv(
      csv(
        ...bad.map((id, i) => `certificate,dr-${i},,"${id}",,,,midwifery,ZJ-ZC-${i},,,`),
        'licence,,,,org-1,,practising-certificate|1,midwifery,,L-1,,',
        'certificate,dr-9,,,org-1,,uscc|12330100470100123X,midwifery,ZJ-ZC-9,,,',
      ),
    );
    expect(parsed.acceptedRows).toBe(0);
    expect(parsed.batch.practitioners).toEqual([]);
    expect(parsed.rejected.map((r) => [r.row, r.reasons[0]])).toEqual([
      [2, 'practitioner_identifier "practising-certificate" is not system|value'],
      [3, 'practitioner_identifier "practising-certificate|" is not system|value'],
      [4, 'practitioner_identifier "|110330000012345" is not system|value'],
      [5, 'practitioner_identifier "practising-certificate|1103|30000012345" is not system|value'],
      [
        6,
        'practitioner_identifier "urn:oid:2.16.156.10011.1.4|HZ-0457": "urn:oid:2.16.156.10011.1.4" is not a practitioner identifier kind or system of the policy (practising-certificate, national-id-hash)',
      ],
      [
        7,
        'practitioner_identifier "uscc|12330100470100123X": "uscc" is not a practitioner identifier kind or system of the policy (practising-certificate, national-id-hash)',
      ],
      [
        8,
        'organization_identifier "practising-certificate|1": "practising-certificate" is not an organization identifier kind or system of the policy (uscc)',
      ],
      [9, 'organization_identifier belongs on licence rows'],
    ]);
  });

  it('a system the policy adds is accepted (an OID for the practising-certificate code)', () => {
    const policy = parsePolicy({
      registryIdentifiers: { practitioner: { 'practising-certificate': [PC, 'urn:oid:2.16.156.10011.1.99'] } },
    }).registryIdentifiers;
    const parsed = parseRegistryCsv(csv('certificate,dr-1,,urn:oid:2.16.156.10011.1.99|110330000012345,,,,midwifery,ZJ-ZC-1,,,'), policy);
    expect(parsed.batch.practitioners[0]!.identifiers).toEqual([{ system: 'urn:oid:2.16.156.10011.1.99', value: '110330000012345' }]);
    expect(() => parsePolicy({ registryIdentifiers: { practitioner: { a: [PC], b: [PC] } } })).toThrow(/already of kind a/);
    expect(() => parsePolicy({ registryIdentifiers: { organization: { uscc: ['not a uri'] } } })).toThrow();
  });

  it('re-importing with a corrected code replaces that system only, and an identical import is unchanged', async () => {
    const store = new MemoryRegistryStore();
    const first = csv(
      `certificate,zj-doc-0200,王芳,practising-certificate|110330000054321;national-id-hash|${'d'.repeat(64)},,,,midwifery,ZJ-ZC-0200,,,`,
    );
    await applyImport(store, parseRegistryCsv(first));
    expect((await applyImport(store, parseRegistryCsv(first))).unchanged).toBe(2);
    await applyImport(
      store,
      parseRegistryCsv(csv('certificate,zj-doc-0200,,practising-certificate|110330000054322,,,,midwifery,ZJ-ZC-0200,,,')),
    );
    expect((await store.practitioner('zj-doc-0200'))?.identifiers).toEqual([
      { system: HASH, value: 'd'.repeat(64) },
      { system: PC, value: '110330000054322' },
    ]);
  });
});

describe('registry FHIR Bundle: Practitioner.identifier and Organization.identifier', () => {
  it('keeps the identifiers of configured systems and drops a hospital staff number', () => {
    const parsed = parseRegistryBundle(
      {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [
          {
            resource: {
              resourceType: 'Practitioner',
              id: 'zj-doc-0187',
              name: [{ text: '李敏' }],
              identifier: [
                { system: PC, value: '110330000012345' },
                { system: 'urn:oid:2.16.156.10011.1.4', value: 'HZ-0457' },
              ],
            },
          },
          {
            resource: {
              resourceType: 'Organization',
              id: 'zj-org-hz-mch',
              name: '杭州市妇幼保健院',
              identifier: [{ system: USCC, value: '12330100470100123X' }],
            },
          },
        ],
      },
      DEFAULT_POLICY.registryIdentifiers,
    );
    expect(parsed.rejected).toEqual([]);
    expect(parsed.batch.practitioners[0]!.identifiers).toEqual([{ system: PC, value: '110330000012345' }]);
    expect(parsed.batch.organizations[0]!.identifiers).toEqual([{ system: USCC, value: '12330100470100123X' }]);
  });
});
