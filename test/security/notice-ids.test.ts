import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goodReferral } from '../fuzz/support/fuzz-check.js';
import { outcomeCode } from '../fuzz/support/real-app.js';
import { composeForTest, PUBLIC_BASE_URL, type Composed } from './support/composed.js';

/**
 * Notice pages open only with the card's link: an unguessable UUID notice id and a 256-bit link token
 * (docs/design.md#notice-links). No enumeration: every wrong id, and a right id without its token, the same 404.
 */
const PATH = '/cds-services/prenatal-diagnosis-referral';
/** Version 8 (RFC 9562): 122 bits of a keyed hash (docs/design.md#notice-reuse); random v4 for the Art. 27 notice. */
const UUID_V8_OR_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-[48][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
let c: Composed;
const ids: string[] = [];
const links: string[] = [];

beforeAll(async () => {
  // With PUBLIC_BASE_URL set a notice is issued only with real institution names (docs/design.md#written-notice).
  c = await composeForTest(['https://ehr.security.example/fhir/'], {
    // The guesses below are hundreds from one address: the per-address limit has its own suite at the end.
    AUTH_FAILURE_LIMIT_PER_MINUTE: '0',
    POLICY_FILE: JSON.stringify({
      institution: { id: 'org-1', name: '杭州市某区妇幼保健院' },
      referralInstitution: { name: '浙江大学医学院附属妇产科医院产前诊断中心' },
    }),
  });
  for (let i = 0; i < 3; i += 1) {
    // three women (the same woman's unchanged notice is reused the same day: docs/design.md#notice-reuse)
    const body = goodReferral();
    const patientId = String(body.context.patientId);
    const woman = JSON.parse(JSON.stringify(body).replaceAll(patientId, `${patientId}-${i}`)) as unknown;
    const res = await request(c.app)
      .post(PATH)
      .set('authorization', `Bearer ${await c.token(PATH)}`)
      .send(woman as object);
    expect(res.status).toBe(200);
    const link = (res.body as { cards: { links: { url: string; type: string }[] }[] }).cards[0]?.links.find((l) => l.type === 'absolute');
    const url = new URL(link?.url ?? '');
    expect(url.origin).toBe(PUBLIC_BASE_URL);
    ids.push(url.pathname.replace('/notices/', ''));
    links.push(url.pathname + url.search);
  }
});

afterAll(async () => {
  await c.close();
});

const expectNotFound = async (id: string): Promise<void> => {
  const res = await request(c.app).get(`/notices/${id}`);
  expect(res.status, id).toBe(404);
  expect(outcomeCode(res.body)).toBe('not-found');
};

describe('notice ids', () => {
  it('are distinct UUIDs (v8: a keyed hash) with distinct 256-bit tokens; each link opens its page, the bare id does not', async () => {
    expect(new Set(ids).size).toBe(3);
    expect(new Set(links.map((l) => new URL(l, PUBLIC_BASE_URL).searchParams.get('t'))).size).toBe(3);
    for (const [i, id] of ids.entries()) {
      expect(id).toMatch(UUID_V8_OR_V4);
      expect(links[i]).toMatch(/\?t=[A-Za-z0-9_-]{43}$/);
      expect((await request(c.app).get(links[i] as string)).status).toBe(200);
      await expectNotFound(id);
    }
  });

  it('a near-miss, case-changed, truncated or structured guess → 404', async () => {
    const id = ids[0] as string;
    const flip = (s: string, i: number): string => s.slice(0, i) + (s[i] === '0' ? '1' : '0') + s.slice(i + 1);
    const guesses = [
      flip(id, 0),
      flip(id, id.length - 1),
      id.toUpperCase(),
      id.slice(0, -1),
      `${id}0`,
      id.replaceAll('-', ''),
      '00000000-0000-0000-0000-000000000000',
      '1',
      '..%2f..%2fetc%2fpasswd',
      `${id}%00`,
      `${id}%20`,
      encodeURIComponent(` ${id}`),
    ];
    for (const g of guesses) await expectNotFound(g);
  });

  it('random v4 UUIDs find nothing (200 generated guesses)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uuid({ version: 4 }), async (g) => {
        fc.pre(!ids.includes(g));
        await expectNotFound(g);
      }),
      { numRuns: 200 },
    );
  });
});

describe('guessing notice links from one address', () => {
  it('takes from the failed-authentication bucket: past AUTH_FAILURE_LIMIT_PER_MINUTE, 429 with Retry-After and nothing recorded; a real link still opens', async () => {
    const limited = await composeForTest(['https://ehr.security.example/fhir/'], {
      AUTH_FAILURE_LIMIT_PER_MINUTE: '3',
      POLICY_FILE: JSON.stringify({
        institution: { id: 'org-1', name: '杭州市某区妇幼保健院' },
        referralInstitution: { name: '浙江大学医学院附属妇产科医院产前诊断中心' },
      }),
    });
    try {
      const res = await request(limited.app)
        .post(PATH)
        .set('authorization', `Bearer ${await limited.token(PATH)}`)
        .send(goodReferral());
      const url = new URL(
        (res.body as { cards: { links: { url: string; type: string }[] }[] }).cards[0]!.links.find((l) => l.type === 'absolute')!.url,
      );
      const id = url.pathname.replace('/notices/', '');
      const wrong = `/notices/${id}?t=${'A'.repeat(43)}`;
      for (let i = 0; i < 3; i += 1) expect((await request(limited.app).get(wrong)).status).toBe(404);
      const refused = await request(limited.app).get(wrong);
      expect(refused.status).toBe(429);
      expect(outcomeCode(refused.body)).toBe('rate-limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // The three 404s were recorded as unknown views of this notice id; the 429 was not.
      const views = await limited.composition.deps.notices.listViews(id);
      expect(views.map((v) => v.result)).toEqual(['unknown', 'unknown', 'unknown']);
      // The card's own link is not a guess: it opens, and is recorded as shown.
      expect((await request(limited.app).get(url.pathname + url.search)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
