import type { CdsResponse } from '../../src/cds-hooks/card-schema.js';

/** A referral-style response that satisfies the whole contract (used by HTTP and unit tests). */
export function sampleResponse(): CdsResponse {
  return {
    cards: [
      {
        uuid: '8b0c6a2e-3f4d-4e5a-9b6c-7d8e9f0a1b2c',
        summary: '建议产前诊断：高龄孕妇；羊水过少',
        detail: '依据《浙江省产前诊断管理办法》第二十四条…',
        indicator: 'warning',
        source: { label: 'prenatal-cds', url: 'https://cds.test.example/' },
        selectionBehavior: 'any',
        suggestions: [
          {
            label: '转诊产前诊断',
            uuid: '1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
            actions: [{ type: 'create', description: 'referral', resource: { resourceType: 'ServiceRequest' } }],
          },
          {
            label: '记录书面告知',
            uuid: '2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b',
            actions: [{ type: 'create', description: 'notice', resource: { resourceType: 'Communication' } }],
          },
        ],
        overrideReasons: [
          { system: 'http://prenatal-cds.org/fhir/CodeSystem/override-reason', code: 'patient-declined', display: '孕妇拒绝' },
        ],
        links: [{ label: '书面告知书', url: 'https://cds.test.example/notices/n1', type: 'absolute' }],
        extension: {
          'org.prenatal-cds.findings': [
            {
              rule: 'ama',
              citation: 'ZJ-2023 Art.24(5); PDM Art.17(5)',
              evidence: ['Patient/p-1', 'Observation/edd'],
              params: { ageYears: 38 },
            },
            {
              rule: 'amniotic-fluid',
              citation: 'ZJ-2023 Art.24(1); PDM Art.17(1)',
              evidence: ['Observation/afi'],
              params: { kind: 'oligohydramnios' },
            },
          ],
        },
      },
    ],
  };
}
