import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore, type AuditStore } from '../../src/store/audit-store.js';
import { migrate } from '../../src/store/migrate.js';
import { createPgSql } from '../../src/store/pg-sql.js';
import { createPgliteSql } from '../../src/store/pglite-sql.js';
import type { Sql } from '../../src/store/sql.js';
import type { Harness } from '../support/app-fixture.js';
import { NOW } from '../support/app-fixture.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { createDatabase } from '../store/postgres-target.js';
import { goodReferral } from '../fuzz/support/fuzz-check.js';
import { buildRealHarness, outcomeCode } from '../fuzz/support/real-app.js';

/**
 * Hostile text at the request boundary (docs/design.md#text-boundary), through HTTP into the real
 * audit store on both engines: NUL and lone surrogates in free text are cleaned once (the call is
 * answered and audited, a retry is idempotent), in identifiers refused with 400; strings are
 * capped; feedback only on cards this service issued, a bounded number per call; an acknowledgement
 * is not signed before its notice was issued.
 */
const REFERRAL = '/cds-services/prenatal-diagnosis-referral';
const PERIOD = { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' };
const pgSkip = postgresSkipReason('test/http/text-boundary-audit');

interface Engine {
  readonly name: string;
  readonly skip: boolean;
  open(): Promise<Sql>;
  close(): void;
}

let server: PostgresServer | undefined;
const engines: Engine[] = [
  { name: 'PGlite (embedded)', skip: false, open: () => createPgliteSql('memory://'), close: () => undefined },
  {
    name: 'PostgreSQL server',
    skip: Boolean(pgSkip),
    async open() {
      server ??= await startPostgres();
      return createPgSql(await createDatabase(server));
    },
    close: () => server?.stop(),
  },
];

type Referral = ReturnType<typeof goodReferral>;
interface WireCard {
  readonly uuid: string;
  readonly links: { url: string }[];
  readonly overrideReasons?: { system: string; code: string; display: string }[];
}

function patientOf(body: Referral): { name: { family: string; given: string[]; text: string }[] } {
  return body.prefetch.patient as { name: { family: string; given: string[]; text: string }[] };
}

describe.each(engines)('$name', (engine) => {
  let sql: Sql;
  let audit: AuditStore;
  let h: Harness;

  beforeAll(async () => {
    if (engine.skip) return;
    sql = await engine.open();
    await migrate(sql);
    audit = createAuditStore(sql);
    h = buildRealHarness(
      { BODY_LIMIT_BYTES: String(4 * 1024 * 1024) },
      { notices: audit, feedback: audit, audit, recordHookCall: async (rec) => void (await audit.recordHookCall(rec)) },
    );
  }, 120_000);

  afterAll(async () => {
    if (engine.skip) return;
    await sql.close();
    engine.close();
  });

  const call = (body: unknown) => request(h.app).post(REFERRAL).set('content-type', 'application/json').send(JSON.stringify(body));
  /** Sends text as written: `\u0000` and `\ud800` escapes reach JSON.parse as they would from an EHR. */
  const callRaw = (text: string) => request(h.app).post(REFERRAL).set('content-type', 'application/json').send(text);
  const feedback = (items: unknown[], path = `${REFERRAL}/feedback`) =>
    request(h.app)
      .post(path)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ feedback: items }));
  const ack = (noticeId: string, body: unknown) =>
    request(h.app).post(`/notices/${noticeId}/acknowledgement`).set('content-type', 'application/json').send(JSON.stringify(body));

  async function referralCard(hookInstance: string, edit: (b: Referral) => void = () => undefined): Promise<WireCard> {
    const body = { ...goodReferral(), hookInstance };
    edit(body);
    const res = await call(body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body as { cards: WireCard[] }).cards[0]!;
  }
  const noticeIdOf = (card: WireCard): string => new URL(card.links[0]!.url).pathname.split('/').at(-1)!;
  const audited = async (hookInstance: string) => (await audit.listHookCalls(PERIOD)).filter((c) => c.hookInstance === hookInstance);

  it.skipIf(engine.skip)(
    'NUL and lone surrogates in the patient name: answered 200 and audited; the notice has U+FFFD, no NUL',
    async () => {
      const good = JSON.stringify({ ...goodReferral(), hookInstance: '7c1e0a4e-0f5b-4a51-9a43-5c3d8e2f1a01' });
      const hostile = good
        .replace('"text":"张丽"', String.raw`"text":"张\u0000丽\ud800"`)
        .replace('"family":"张"', String.raw`"family":"张\u0000"`)
        .replace('"given":["丽"]', String.raw`"given":["\ud800丽\udc00"]`);
      expect(hostile).not.toBe(good);
      const res = await callRaw(hostile);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const card = (res.body as { cards: WireCard[] }).cards[0]!;
      expect(await audited('7c1e0a4e-0f5b-4a51-9a43-5c3d8e2f1a01')).toEqual([expect.objectContaining({ status: 200 })]);
      const stored = JSON.stringify((await audit.get(noticeIdOf(card)))?.content);
      expect(stored).toContain('张丽\uFFFD');
      expect(stored).not.toContain('\u0000');
      expect(stored).not.toContain('\\u0000');
    },
  );

  it.skipIf(engine.skip)(
    'NUL or a lone surrogate in hookInstance (an identifier): 400 naming it, and the next good call is answered',
    async () => {
      for (const bad of [String.raw`d1577c69\u0000`, String.raw`d1577c69\ud800`]) {
        const text = JSON.stringify({ ...goodReferral(), hookInstance: 'HOOK' }).replace('"HOOK"', `"${bad}"`);
        const res = await callRaw(text);
        expect(res.status).toBe(400);
        expect(outcomeCode(res.body)).toBe('invalid-request');
        expect((res.body as { issue: { expression?: string[] }[] }).issue[0]?.expression).toEqual(['hookInstance']);
      }
      await referralCard('2b8f6c1d-3e4a-4b5c-8d9e-0f1a2b3c4d5e');
    },
  );

  it.skipIf(engine.skip)(
    'a name over MAX_STRING_LENGTH: 400 invalid-request naming the path, nothing audited; a long narrative div passes',
    async () => {
      const res = await call({
        ...goodReferral(),
        hookInstance: '5a0f0e52-1c6f-4f0b-9a57-3ed1c2b4a6f7',
        prefetch: { ...goodReferral().prefetch, patient: { ...patientOf(goodReferral()), name: [{ family: '张'.repeat(8193) }] } },
      });
      expect(res.status).toBe(400);
      expect(outcomeCode(res.body)).toBe('invalid-request');
      expect((res.body as { issue: { expression?: string[] }[] }).issue[0]?.expression).toEqual(['prefetch.patient.name[0].family']);
      expect(await audited('5a0f0e52-1c6f-4f0b-9a57-3ed1c2b4a6f7')).toEqual([]);
      const div = `<div xmlns="http://www.w3.org/1999/xhtml"><p>${'张丽，孕 16 周。'.repeat(2000)}</p></div>`;
      await referralCard('6b1f1f63-2d70-4a1c-8b68-4fe2d3c5b708', (b) => {
        (b.prefetch.patient as Record<string, unknown>).text = { status: 'generated', div };
      });
    },
  );

  it.skipIf(engine.skip)('override reason with NUL and lone surrogates: feedback stored cleaned (200), not 503', async () => {
    const card = await referralCard('8c2a2074-3e81-4b2d-9c79-50f3e4d6c819');
    const reason = card.overrideReasons![0]!;
    const item = {
      card: card.uuid,
      outcome: 'overridden',
      overrideReason: { reason: { system: reason.system, code: reason.code, display: 'DISPLAY' }, userComment: 'COMMENT' },
      outcomeTimestamp: '2026-11-23T02:10:00Z',
    };
    const text = JSON.stringify({ feedback: [item] })
      .replace('"DISPLAY"', String.raw`"孕妇拒绝\u0000"`)
      .replace('"COMMENT"', String.raw`"已充分告知\ud83d\u0000"`);
    const res = await request(h.app).post(`${REFERRAL}/feedback`).set('content-type', 'application/json').send(text);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const stored = (await audit.listFeedback(PERIOD)).filter((f) => f.item.card === card.uuid);
    expect(stored.map((f) => f.item.overrideReason)).toEqual([
      { reason: { system: reason.system, code: reason.code, display: '孕妇拒绝' }, userComment: '已充分告知\uFFFD' },
    ]);
  });

  it.skipIf(engine.skip)(
    'feedback on a card never issued, or issued by another service: 400 naming each item, nothing stored',
    async () => {
      const card = await referralCard('9d3b3185-4f92-4c3e-8d8a-61a4f5e7d92a');
      const before = (await audit.listFeedback(PERIOD)).length;
      const item = (uuid: string) => ({ card: uuid, outcome: 'overridden', outcomeTimestamp: '2026-11-23T02:10:00Z' });
      const never = await feedback([item(card.uuid), item('0e4c4296-5a03-4d4f-9e9b-72b5a6f8ea3b')]);
      expect(never.status).toBe(400);
      expect(outcomeCode(never.body)).toBe('invalid-feedback');
      expect((never.body as { issue: { expression?: string[] }[] }).issue.map((i) => i.expression?.[0])).toEqual(['feedback[1].card']);
      const elsewhere = await feedback([item(card.uuid)], '/cds-services/nipt-order-check/feedback');
      expect(elsewhere.status).toBe(400);
      expect((await audit.listFeedback(PERIOD)).length).toBe(before);
      expect((await feedback([item(card.uuid)])).status).toBe(200);
      expect((await audit.listFeedback(PERIOD)).length).toBe(before + 1);
    },
  );

  it.skipIf(engine.skip)('at most FEEDBACK_MAX_ITEMS (50) items per call: 51 → 400 naming feedback, nothing stored; 50 → 200', async () => {
    const card = await referralCard('ae4c4296-5a03-4d4f-9e9b-72b5a6f8ea3c');
    const before = (await audit.listFeedback(PERIOD)).length;
    const items = (n: number) =>
      Array.from({ length: n }, () => ({ card: card.uuid, outcome: 'overridden', outcomeTimestamp: '2026-11-23T02:10:00Z' }));
    const over = await feedback(items(51));
    expect(over.status).toBe(400);
    expect((over.body as { issue: { expression?: string[] }[] }).issue[0]?.expression).toEqual(['feedback']);
    expect((await audit.listFeedback(PERIOD)).length).toBe(before);
    expect((await feedback(items(50))).status).toBe(200);
    expect((await audit.listFeedback(PERIOD)).length).toBe(before + 50);
  });

  it.skipIf(engine.skip)('signer name with NUL / a lone surrogate: 201, and the identical retry is 200 (not 409)', async () => {
    const noticeId = noticeIdOf(await referralCard('bf5d53a7-6b14-4e5a-8fac-83c6b709fb4d'));
    const body = (id: string, name: string) =>
      JSON.stringify({
        id,
        signer: { kind: 'family-member', name: 'NAME', relationship: '丈夫' },
        decision: 'accepted-referral',
        signedAt: '2026-11-23T02:05:00Z',
        recordedBy: 'Practitioner/pr-wang-fang',
      }).replace('"NAME"', `"${name}"`);
    const send = (text: string) =>
      request(h.app).post(`/notices/${noticeId}/acknowledgement`).set('content-type', 'application/json').send(text);
    for (const [id, name, stored] of [
      ['ack-surrogate', String.raw`王\ud800强`, '王\uFFFD强'],
      ['ack-nul', String.raw`王\u0000强\udfff`, '王强\uFFFD'],
    ] as const) {
      const first = await send(body(id, name));
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect((first.body as { signer: { name: string } }).signer.name).toBe(stored);
      const retry = await send(body(id, name));
      expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    }
  });

  it.skipIf(engine.skip)(
    'signedAt before the notice was issued (beyond 5 min) or in the future beyond it: 400 naming signedAt',
    async () => {
      const noticeId = noticeIdOf(await referralCard('c06e64b8-7c25-4f6b-a0bd-94d7c81a0c5e'));
      const body = (id: string, signedAt: string) => ({
        id,
        signer: { kind: 'patient', name: '张丽' },
        decision: 'declined',
        signedAt,
        recordedBy: 'Practitioner/pr-wang-fang',
      });
      const issued = Date.parse(NOW);
      const at = (ms: number) => new Date(issued + ms).toISOString();
      for (const signedAt of ['2026-11-22T10:00:00+08:00', at(-5 * 60_000 - 1000), at(5 * 60_000 + 1000), '2027-11-23T02:00:00Z']) {
        const res = await ack(noticeId, body('ack-time', signedAt));
        expect(res.status, signedAt).toBe(400);
        expect(outcomeCode(res.body)).toBe('invalid-acknowledgement');
        expect((res.body as { issue: { expression?: string[] }[] }).issue[0]?.expression).toEqual(['signedAt']);
      }
      expect((await ack(noticeId, body('ack-time', at(-4 * 60_000)))).status).toBe(201);
      expect((await ack(noticeId, body('ack-time-2', at(4 * 60_000)))).status).toBe(201);
    },
  );
});
