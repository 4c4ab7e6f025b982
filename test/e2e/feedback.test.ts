import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildE2eApp, example, type E2eApp, type WireCard } from './support/e2e-app.js';

/**
 * Feedback (https://cds-hooks.hl7.org/2.0/#feedback) on a real referral card: the EHR reports which
 * suggestion the clinician accepted, or that the card was overridden and why.
 */
const SERVICE = 'prenatal-diagnosis-referral';

async function referralCard(app: E2eApp): Promise<WireCard> {
  const res = await request(app.app)
    .post(`/cds-services/${SERVICE}`)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(example(SERVICE)));
  expect(res.status).toBe(200);
  const cards = (res.body as { cards: WireCard[] }).cards;
  expect(cards).toHaveLength(1);
  return cards[0]!;
}

function noticeSuggestionId(card: WireCard): string {
  const s = card.suggestions?.find((x) => x.actions?.some((a) => a.resource?.resourceType === 'Communication'));
  if (!s) throw new Error('no notice suggestion on the card');
  return s.uuid;
}

function sendFeedback(app: E2eApp, body: unknown): request.Test {
  return request(app.app).post(`/cds-services/${SERVICE}/feedback`).set('Content-Type', 'application/json').send(JSON.stringify(body));
}

describe('feedback on the referral card', () => {
  it('accepting the notice suggestion (uuid from the card) → 200 {} and stored', async () => {
    const app = buildE2eApp();
    const card = await referralCard(app);
    const item = {
      card: card.uuid,
      outcome: 'accepted',
      acceptedSuggestions: [{ id: noticeSuggestionId(card) }],
      outcomeTimestamp: '2026-11-23T02:10:00Z',
    };
    const res = await sendFeedback(app, { feedback: [item] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({});
    const stored = app.feedback.all();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ serviceId: SERVICE, issuer: 'dev', item });
    expect(stored[0]?.receivedAt).toBe('2026-11-23T02:00:00.000Z');
  });

  it("overridden with a reason from the card's overrideReasons → 200 and stored with the reason", async () => {
    const app = buildE2eApp();
    const card = await referralCard(app);
    const reason = card.overrideReasons?.find((r) => r.code === 'declined-after-counselling');
    expect(reason?.display).toMatch(/\S/);
    const item = {
      card: card.uuid,
      outcome: 'overridden',
      overrideReason: { reason: { system: reason?.system, code: reason?.code }, userComment: '孕妇经咨询后暂不接受产前诊断' },
      outcomeTimestamp: '2026-11-23T02:12:00+00:00',
    };
    const res = await sendFeedback(app, { feedback: [item] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(app.feedback.all().map((r) => r.item)).toEqual([item]);
  });

  it('a batch (both suggestions accepted, then the same item repeated) → every item stored', async () => {
    const app = buildE2eApp();
    const card = await referralCard(app);
    const item = {
      card: card.uuid,
      outcome: 'accepted',
      acceptedSuggestions: (card.suggestions ?? []).map((s) => ({ id: s.uuid })),
      outcomeTimestamp: '2026-11-23T02:10:00Z',
    };
    expect((await sendFeedback(app, { feedback: [item, item] })).status).toBe(200);
    expect((await sendFeedback(app, { feedback: [item] })).status).toBe(200);
    expect(app.feedback.all()).toHaveLength(3);
  });

  it('"accepted" without acceptedSuggestions → 400, nothing stored', async () => {
    const app = buildE2eApp();
    const card = await referralCard(app);
    const res = await sendFeedback(app, { feedback: [{ card: card.uuid, outcome: 'accepted', outcomeTimestamp: '2026-11-23T02:10:00Z' }] });
    expect(res.status).toBe(400);
    expect((res.body as { resourceType: string }).resourceType).toBe('OperationOutcome');
    expect(app.feedback.all()).toEqual([]);
  });
});
