import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import type { AuditedFinding } from '../../src/engine/rule.js';
import { emptyResult, type CardResult } from '../../src/engine/service.js';
import { buildHarness, patientViewRequest } from '../support/app-fixture.js';
import { sampleResponse } from '../support/sample-response.js';

const FINDINGS: AuditedFinding[] = [
  { rule: 'ama', ruleVersion: '1.0.0', citation: 'ZJ-2023 Art.24(5); PDM Art.17(5)', evidence: ['Patient/p-1'], params: { ageYears: 38 } },
  {
    rule: 'amniotic-fluid',
    ruleVersion: '1.0.0',
    citation: 'ZJ-2023 Art.24(1); PDM Art.17(1)',
    evidence: ['Observation/afi-1'],
    params: { kind: 'oligohydramnios' },
  },
];
/** The sample card, carrying FINDINGS. */
const cardResults = (): CardResult[] => sampleResponse().cards.map((card) => ({ card, findings: FINDINGS, undecided: [] }));
const NOTICE = {
  id: '0b6c58f4-9d7e-4d5a-8a43-1f6f2f2b7c11',
  createdAt: '2026-11-23T02:00:00.000Z',
  hash: 'ab'.repeat(32),
  patientId: 'p-1',
  content: { any: 'thing' },
};

describe('every hook call is audited before it is answered (docs/design.md#audit)', () => {
  it('records hook instance, patient, findings, card and suggestion uuids, and the notice', async () => {
    const h = buildHarness({
      services: {
        'prenatal-diagnosis-referral': ({ now }) => ({
          ...emptyResult(now),
          cards: cardResults(),
          notice: NOTICE,
          pregnancyKey: 'Patient/p-1|2027-05-10',
          practitionerId: 'pr-1',
        }),
      },
    });
    await request(h.app).post('/cds-services/prenatal-diagnosis-referral').send(patientViewRequest()).expect(200);
    const [rec] = h.hookCalls.all();
    expect(rec).toMatchObject({
      hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
      serviceId: 'prenatal-diagnosis-referral',
      hook: 'patient-view',
      issuer: 'https://ehr.test.example',
      patientId: 'p-1',
      practitionerId: 'pr-1',
      pregnancyKey: 'Patient/p-1|2027-05-10',
      status: 200,
      // One clock reading: the instant received, and the clinical day and zone the rules were given.
      receivedAt: '2026-11-23T02:00:00.000Z',
      clinicalToday: '2026-11-23',
      clinicTimeZone: 'Asia/Shanghai',
      findings: FINDINGS,
      cards: [
        {
          uuid: '8b0c6a2e-3f4d-4e5a-9b6c-7d8e9f0a1b2c',
          indicator: 'warning',
          rules: ['ama', 'amniotic-fluid'],
          suggestions: [
            { uuid: '1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f', kind: 'create:ServiceRequest' },
            { uuid: '2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b', kind: 'create:Communication' },
          ],
        },
      ],
      notice: { id: NOTICE.id, hash: NOTICE.hash, rules: ['ama', 'amniotic-fluid'] },
    });
    // The notice the card links to was stored with the record.
    expect(await h.deps.notices.get(NOTICE.id)).toMatchObject({ hash: NOTICE.hash });
  });

  it('records a call that could not be answered (412) with its status, and still answers 412', async () => {
    const h = buildHarness({
      deps: {
        loadSnapshot: async () => {
          throw new AppError('data-unavailable', [{ path: 'prefetch.observations', message: 'fetch failed' }]);
        },
      },
    });
    await request(h.app).post('/cds-services/prenatal-diagnosis-referral').send(patientViewRequest()).expect(412);
    expect(h.hookCalls.all()).toMatchObject([{ status: 412, findings: [], cards: [] }]);
  });

  it('answers 503 and no card when the audit store cannot record the call', async () => {
    const h = buildHarness({
      services: { 'prenatal-diagnosis-referral': ({ now }) => ({ ...emptyResult(now), cards: cardResults() }) },
      deps: {
        recordHookCall: async () => {
          throw new AppError('store-unavailable');
        },
      },
    });
    const res = await request(h.app).post('/cds-services/prenatal-diagnosis-referral').send(patientViewRequest()).expect(503);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].details.coding[0].code).toBe('store-unavailable');
    expect(JSON.stringify(res.body)).not.toContain('8b0c6a2e');
  });
});
