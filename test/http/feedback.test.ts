import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildHarness, NOW, PUBLIC_BASE_URL, type Harness } from '../support/app-fixture.js';

const URL = '/cds-services/prenatal-diagnosis-referral/feedback';
const CARD = '8b0c6a2e-3f4d-4e5a-9b6c-7d8e9f0a1b2c';
const accepted = {
  card: CARD,
  outcome: 'accepted',
  acceptedSuggestions: [{ id: '1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f' }],
  outcomeTimestamp: '2026-11-23T10:15:00+08:00',
};
const overridden = {
  card: CARD,
  outcome: 'overridden',
  outcomeTimestamp: '2026-11-23T02:16:00Z',
  overrideReason: {
    reason: { system: 'http://prenatal-cds.org/fhir/CodeSystem/override-reason', code: 'patient-declined', display: '孕妇拒绝' },
    userComment: '已充分告知',
  },
};

/**
 * Feedback is taken only on a card the service answered to the calling EHR (docs/design.md#audit):
 * records the hook call that issued CARD, through the same port the service route records with.
 */
async function issued(h: Harness, issuer = 'https://ehr.test.example', serviceId = 'prenatal-diagnosis-referral'): Promise<Harness> {
  await h.deps.recordHookCall({
    hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
    serviceId,
    hook: 'patient-view',
    receivedAt: NOW,
    issuer,
    status: 200,
    latencyMs: 3,
    findings: [],
    cards: [
      {
        uuid: CARD,
        indicator: 'warning',
        rules: ['ama'],
        suggestions: [{ uuid: '1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f', kind: 'create:ServiceRequest' }],
      },
    ],
    ruleErrors: [],
  });
  return h;
}

function codeOf(body: { issue: { details: { coding: { code: string }[] } }[] }): string | undefined {
  return body.issue[0]?.details.coding[0]?.code;
}

describe('POST /cds-services/{id}/feedback', () => {
  it('stores a batch (accepted + overridden) before answering 200 {}', async () => {
    const h = await issued(buildHarness());
    const res = await request(h.app)
      .post(URL)
      .send({ feedback: [accepted, overridden] })
      .expect(200);
    expect(res.body).toEqual({});
    const stored = h.feedback.all();
    expect(stored).toHaveLength(2);
    expect(stored.map((r) => r.item.outcome)).toEqual(['accepted', 'overridden']);
    expect(stored[0]).toMatchObject({
      serviceId: 'prenatal-diagnosis-referral',
      issuer: 'https://ehr.test.example',
      receivedAt: '2026-11-23T02:00:00.000Z',
    });
  });

  it('accepts repeats (each stored) and application/fhir+json', async () => {
    const h = await issued(buildHarness());
    const body = JSON.stringify({ feedback: [accepted] });
    await request(h.app).post(URL).set('Content-Type', 'application/fhir+json').send(body).expect(200);
    await request(h.app).post(URL).set('Content-Type', 'application/fhir+json').send(body).expect(200);
    expect(h.feedback.all()).toHaveLength(2);
  });

  it('authenticates with aud = the feedback URL', async () => {
    const h = await issued(buildHarness());
    await request(h.app)
      .post(URL)
      .set('Authorization', 'Bearer x.y.z')
      .send({ feedback: [accepted] })
      .expect(200);
    expect(h.authRequests[0]).toEqual({
      authorization: 'Bearer x.y.z',
      audience: `${PUBLIC_BASE_URL}${URL}`,
      fhirServer: undefined,
      reqId: expect.any(String),
    });
  });

  it('keeps unknown fields and extensions of items', async () => {
    const h = await issued(buildHarness());
    await request(h.app)
      .post(URL)
      .send({ feedback: [{ ...accepted, extension: { 'com.ehr.screen': 'anc' } }], extension: { a: 1 } })
      .expect(200);
    expect(h.feedback.all()[0]?.item.extension).toEqual({ 'com.ehr.screen': 'anc' });
  });

  it.each([
    [
      'accepted without acceptedSuggestions',
      { feedback: [{ ...accepted, acceptedSuggestions: undefined }] },
      'feedback[0].acceptedSuggestions',
    ],
    [
      'accepted with empty acceptedSuggestions',
      { feedback: [{ ...accepted, acceptedSuggestions: [] }] },
      'feedback[0].acceptedSuggestions',
    ],
    [
      'overridden with acceptedSuggestions',
      { feedback: [{ ...overridden, acceptedSuggestions: [{ id: 'x' }] }] },
      'feedback[0].acceptedSuggestions',
    ],
    ['timestamp without offset', { feedback: [{ ...accepted, outcomeTimestamp: '2026-11-23T10:15:00' }] }, 'feedback[0].outcomeTimestamp'],
    ['impossible date', { feedback: [{ ...accepted, outcomeTimestamp: '2026-02-30T10:15:00Z' }] }, 'feedback[0].outcomeTimestamp'],
    ['date only', { feedback: [{ ...accepted, outcomeTimestamp: '2026-11-23' }] }, 'feedback[0].outcomeTimestamp'],
    ['unknown outcome', { feedback: [{ ...accepted, outcome: 'ignored' }] }, 'feedback[0].outcome'],
    ['card not a uuid', { feedback: [{ ...accepted, card: 'card-1' }] }, 'feedback[0].card'],
    ['no items', { feedback: [] }, 'feedback'],
    ['no feedback array', { items: [accepted] }, 'feedback'],
  ])('400 invalid-feedback: %s, naming the path', async (_name, body, path) => {
    const h = buildHarness();
    const res = await request(h.app).post(URL).send(body).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(codeOf(res.body)).toBe('invalid-feedback');
    expect(res.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? [])).toContain(path);
    expect(h.feedback.all()).toHaveLength(0);
  });

  it('400 invalid-feedback naming each item whose card was never issued to this EHR by this service; nothing stored', async () => {
    const other = '0e4c4296-5a03-4d4f-9e9b-72b5a6f8ea3b';
    for (const h of [
      buildHarness(),
      await issued(buildHarness(), 'https://another-ehr.test.example'),
      await issued(buildHarness(), 'https://ehr.test.example', 'nipt-order-check'),
    ]) {
      const res = await request(h.app)
        .post(URL)
        .send({ feedback: [overridden, { ...overridden, card: other }] })
        .expect(400);
      expect(codeOf(res.body)).toBe('invalid-feedback');
      expect(res.body.issue.map((i: { expression?: string[] }) => i.expression?.[0])).toEqual(['feedback[0].card', 'feedback[1].card']);
      expect(h.feedback.all()).toHaveLength(0);
    }
  });

  it('at most FEEDBACK_MAX_ITEMS items per call (400 naming feedback, nothing stored)', async () => {
    const h = await issued(buildHarness({ env: { FEEDBACK_MAX_ITEMS: '3' } }));
    const res = await request(h.app)
      .post(URL)
      .send({ feedback: [overridden, overridden, overridden, overridden] })
      .expect(400);
    expect(res.body.issue[0].expression).toEqual(['feedback']);
    expect(h.feedback.all()).toHaveLength(0);
    await request(h.app)
      .post(URL)
      .send({ feedback: [overridden, overridden, overridden] })
      .expect(200);
    expect(h.feedback.all()).toHaveLength(3);
  });

  it('stores nothing when one item of a batch is invalid', async () => {
    const h = buildHarness();
    await request(h.app)
      .post(URL)
      .send({ feedback: [accepted, { ...accepted, outcomeTimestamp: 'yesterday' }] })
      .expect(400);
    expect(h.feedback.all()).toHaveLength(0);
  });

  it('404 unknown-service, 405 on GET of a known feedback URL, 401 when authentication fails', async () => {
    const { AppError } = await import('../../src/errors/app-error.js');
    const h = buildHarness({
      deps: {
        authenticate: async () => {
          throw new AppError('unauthorized', [{ message: 'expired' }]);
        },
      },
    });
    expect(
      codeOf(
        (
          await request(h.app)
            .post('/cds-services/nope/feedback')
            .send({ feedback: [accepted] })
            .expect(404)
        ).body,
      ),
    ).toBe('unknown-service');
    const r405 = await request(h.app).get(URL).expect(405);
    expect(r405.headers.allow).toBe('POST');
    const r401 = await request(h.app)
      .post(URL)
      .send({ feedback: [accepted] })
      .expect(401);
    expect(r401.body).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'security',
          details: {
            coding: [{ system: 'http://prenatal-cds.org/fhir/CodeSystem/error-code', code: 'unauthorized' }],
            text: 'Authentication failed.',
          },
        },
      ],
    });
  });

  it('500 (no detail) when the store fails, and nothing claims success', async () => {
    const h = buildHarness({
      deps: {
        feedback: {
          issuedCards: async (q) => new Set(q.uuids),
          append: async () => {
            throw new Error('disk on fire');
          },
        },
      },
    });
    const res = await request(h.app)
      .post(URL)
      .send({ feedback: [accepted] })
      .expect(500);
    expect(codeOf(res.body)).toBe('internal-error');
    expect(JSON.stringify(res.body)).not.toContain('disk on fire');
  });
});
