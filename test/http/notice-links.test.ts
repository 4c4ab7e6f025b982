import { randomUUID } from 'node:crypto';
import type { Communication, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createApp } from '../../src/app.js';
import type { Composition } from '../../src/compose.js';
import { addToBundle, example, type WireCard } from '../e2e/support/e2e-app.js';
import { composeSignedHookApp, issuerKeys } from '../helpers/signed-hook-app.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { createDatabase } from '../store/postgres-target.js';

/**
 * Notice links (docs/design.md#notice-links) through the production composition on both store
 * engines: the card's link opens the page, anything else is the same 404, a link past
 * NOTICE_LINK_DAYS × 24 h answers 410 with how to reprint, a later call re-links the same stored
 * notice, every request is recorded. Real JWTs; the clinical clock is moved by the test.
 */
const BASE = 'https://cds.links.example';
const ISS = 'https://ehr.links.example/oauth';
const START = Date.parse('2026-11-23T02:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

interface Harness {
  readonly app: ReturnType<typeof createApp>;
  readonly composition: Composition;
  /** Moves the service's clock to START + `ms`. */
  at(ms: number): void;
  call(body?: ReturnType<typeof example>): Promise<WireCard>;
  close(): Promise<void>;
}

async function harness(env: Record<string, string>): Promise<Harness> {
  // With PUBLIC_BASE_URL set a notice is issued only with real institution names (docs/design.md#written-notice).
  const h = await composeSignedHookApp({ base: BASE, keys: await issuerKeys(ISS), instant: START, env });
  return {
    app: h.app,
    composition: h.composition,
    at: (ms) => h.at(START + ms),
    async call(body = example('prenatal-diagnosis-referral')) {
      const cards = await h.call(body);
      expect(cards).toHaveLength(1);
      return cards[0]!;
    },
    close: () => h.close(),
  };
}

/** The card's notice link as a request path (`/notices/{id}?t=…`), its notice id and token. */
function linkOf(card: WireCard): { path: string; id: string; token: string } {
  const url = new URL(card.links?.find((l) => l.type === 'absolute')?.url ?? '');
  expect(url.origin).toBe(BASE);
  return { path: url.pathname + url.search, id: url.pathname.replace('/notices/', ''), token: url.searchParams.get('t') ?? '' };
}

/** The notice Communication the card suggests, as the EHR stores it once the physician accepts it. */
function acceptedNotice(card: WireCard): Communication {
  const resources = (card.suggestions ?? []).flatMap((s) => (s.actions ?? []).map((a) => a.resource as Resource | undefined));
  const c = resources.find((r): r is Communication => r?.resourceType === 'Communication');
  if (!c) throw new Error('the card suggests no notice Communication');
  return { ...c, id: 'comm-notice-links-1' };
}

const skipPg = postgresSkipReason('test/http/notice-links');
let pg: PostgresServer | undefined;
const engines: [string, () => Promise<Record<string, string>>][] = [
  ['PGlite', async () => ({})],
  ...(skipPg
    ? []
    : [
        ['PostgreSQL server', async () => ({ DATABASE_URL: await createDatabase(pg!) })] as [string, () => Promise<Record<string, string>>],
      ]),
];

beforeAll(async () => {
  if (!skipPg) pg = await startPostgres();
}, 90_000);
afterAll(() => pg?.stop());

describe.each(engines)('notice links on %s', (_name, envOf) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ ...(await envOf()) });
  }, 90_000);
  afterAll(async () => h?.close());

  it('the card link opens the page, never cached, indexed or referred; the view is recorded', async () => {
    h.at(0);
    const card = await h.call();
    const { path, id, token } = linkOf(card);
    expect(path).toMatch(/^\/notices\/[0-9a-f-]{36}\?t=[A-Za-z0-9_-]{43}$/);
    const page = await request(h.app).get(path).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-robots-tag']).toBe('noindex');
    expect(page.text).toContain('张丽');
    // The store keeps the token's hash, never the token.
    const sql = h.composition.store.sql;
    const rows = await sql.query<{ token_hash: string }>('SELECT token_hash FROM notice_link WHERE notice_id = $1', [id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(token);
    const views = await h.composition.store.audit.listViews(id);
    expect(views).toEqual([{ viewedAt: '2026-11-23T02:00:00.000Z', noticeId: id, linkId: expect.any(String), result: 'shown' }]);
  });

  it('no token, a wrong token, another notice’s token or a malformed one: the same 404 as an unknown notice, recorded unknown', async () => {
    h.at(DAY);
    const a = linkOf(await h.call());
    // Another notice: the next day's (the same call on the same day reuses its notice: docs/design.md#notice-reuse).
    h.at(2 * DAY);
    const b = linkOf(await h.call());
    expect(a.id).not.toBe(b.id);
    const flip = (t: string) => (t[0] === 'A' ? 'B' : 'A') + t.slice(1);
    const tries = [
      `/notices/${a.id}`,
      `/notices/${a.id}?t=`,
      `/notices/${a.id}?t=${flip(a.token)}`,
      `/notices/${a.id}?t=${b.token}`,
      `/notices/${a.id}?t=${a.token}x`,
      `/notices/${a.id}?t=${a.token}&t=${a.token}`,
      `/notices/${randomUUID()}?t=${a.token}`,
      `/notices/${a.id.toUpperCase()}?t=${a.token}`,
    ];
    const bodies = new Set<string>();
    for (const path of tries) {
      const res = await request(h.app).get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers['cache-control'], path).toBe('no-store');
      bodies.add(res.text);
    }
    expect(bodies.size).toBe(1);
    const views = await h.composition.store.audit.listViews(a.id);
    expect(views.map((v) => v.result)).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
    expect(views.every((v) => v.linkId === undefined && v.clientAddress === undefined)).toBe(true);
    await request(h.app).get(a.path).expect(200);
  });

  it('NOTICE_LINK_DAYS × 24 h later the link answers 410 with how to reprint (nothing of the woman); a fresh call re-links the same stored notice', async () => {
    h.at(2 * DAY);
    const first = await h.call();
    const old = linkOf(first);
    const stored = await h.composition.store.audit.get(old.id);
    expect(stored).toBeDefined();

    h.at(2 * DAY + 30 * DAY - 1);
    await request(h.app).get(old.path).expect(200);
    h.at(2 * DAY + 30 * DAY);
    const expired = await request(h.app).get(old.path).expect(410);
    expect(expired.headers['content-type']).toMatch(/^text\/html/);
    expect(expired.headers['cache-control']).toBe('no-store');
    expect(expired.headers['x-robots-tag']).toBe('noindex');
    expect(expired.text).toContain('<html lang="zh-CN"');
    expect(expired.text).toContain('电子病历');
    expect(expired.text).toContain('30 天');
    expect(expired.text).toContain(old.id);
    expect(expired.text).not.toContain('张丽');
    expect(expired.text).not.toContain('1989');
    const en = await request(h.app).get(`${old.path}&lang=en`).expect(410);
    expect(en.text).toContain('<html lang="en"');
    expect(en.text).toContain('open the woman');
    expect(en.text).toContain('EHR');

    // The physician reprints from the EHR: the patient-view call now sees the notice Communication
    // the EHR stored from the first card, and the card links that same notice with a new token.
    const body = example('prenatal-diagnosis-referral');
    addToBundle(body, 'communications', acceptedNotice(first));
    const again = await h.call(body);
    const fresh = linkOf(again);
    expect(fresh.id).toBe(old.id);
    expect(fresh.token).not.toBe(old.token);
    expect(again.indicator).toBe('info');
    const page = await request(h.app).get(fresh.path).expect(200);
    expect(page.text).toContain(stored!.hash);
    expect(await h.composition.store.audit.get(old.id)).toEqual(stored);
    await request(h.app).get(old.path).expect(410);
    const notices = await h.composition.store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM notice WHERE id = $1', [old.id]);
    expect(notices[0]?.n).toBe(1);

    const views = await h.composition.store.audit.listViews(old.id);
    expect(views.map((v) => [v.result, v.viewedAt])).toEqual([
      ['shown', '2026-12-25T01:59:59.999Z'],
      ['expired', '2026-12-25T02:00:00.000Z'],
      ['expired', '2026-12-25T02:00:00.000Z'],
      ['shown', '2026-12-25T02:00:00.000Z'],
      ['expired', '2026-12-25T02:00:00.000Z'],
    ]);
    const [shownOld, , , shownNew] = views;
    expect(shownNew?.linkId).not.toBe(shownOld?.linkId);
  });
});

describe('NOTICE_VIEW_ADDRESS', () => {
  it.each([
    ['none', undefined],
    ['prefix', '127.0.0.0/24'],
    ['full', '127.0.0.1'],
  ] as const)(
    '%s: a view records %s of the client address',
    async (mode, expected) => {
      const h = await harness({ NOTICE_VIEW_ADDRESS: mode });
      try {
        const { path, id } = linkOf(await h.call());
        await request(h.app).get(path).expect(200);
        const [view] = await h.composition.store.audit.listViews(id);
        expect(view?.clientAddress).toBe(expected);
      } finally {
        await h.close();
      }
    },
    90_000,
  );
});
