import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore, type AuditStore } from '../../src/store/audit-store.js';
import { migrate } from '../../src/store/migrate.js';
import { createPgSql } from '../../src/store/pg-sql.js';
import { createPgliteSql } from '../../src/store/pglite-sql.js';
import type { Sql } from '../../src/store/sql.js';
import type { Harness } from '../support/app-fixture.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { createDatabase } from '../store/postgres-target.js';
import { expectStillAnswers, goodReferral, pathsOf, tried, Violations, withValueAt } from './support/fuzz-check.js';
import { buildRealHarness } from './support/real-app.js';

/**
 * Hostile text in every member of a hook call, a feedback item and an acknowledgement, through the
 * real app into the real audit store on both engines (docs/design.md#text-boundary): NUL, lone
 * surrogates, bidi controls, a BOM, strings around and far past MAX_STRING_LENGTH. The property:
 * never a 5xx (the store is up, so none is documented here), every 200 hook call is audited, every
 * acknowledged write (200 feedback, 201 acknowledgement) is still there and an identical retry of
 * an acknowledgement is 200, and the next good call is still answered.
 */
const REFERRAL = '/cds-services/prenatal-diagnosis-referral';
const PERIOD = { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' };
const pgSkip = postgresSkipReason('test/fuzz/hostile-text');

const CONTROL = ['\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\u202e', '\u202d', '\u2066', '\u2069', '\u200f', '\ufeff', '\u0007'];

/** One hostile string: a control alone, text with controls spliced in, any UTF-16, or a long one. */
const hostile: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...CONTROL) },
  {
    weight: 4,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom(...CONTROL), fc.constantFrom('王', '丽', '张', '孕', 'a', ' ', '😀')), {
        minLength: 1,
        maxLength: 12,
      })
      .map((parts) => parts.join('')),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.integer({ min: 8185, max: 8200 }).map((n) => '王'.repeat(n - 1) + '\u0000') },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(100_000), `\u202e${'丽'.repeat(20_000)}`) },
);

let server: PostgresServer | undefined;
const engines = [
  { name: 'PGlite (embedded)', skip: false, open: (): Promise<Sql> => createPgliteSql('memory://') },
  {
    name: 'PostgreSQL server',
    skip: Boolean(pgSkip),
    async open(): Promise<Sql> {
      server ??= await startPostgres();
      return createPgSql(await createDatabase(server));
    },
  },
];

afterAll(() => {
  server?.stop();
  console.log(`[fuzz] hostile text: ${tried.count} bad inputs tried`);
});

describe.each(engines)('hostile text, $name', (engine) => {
  let sql: Sql;
  let audit: AuditStore;
  let h: Harness;
  let card: { uuid: string; overrideReasons: { system: string; code: string }[]; links: { url: string }[] };

  beforeAll(async () => {
    if (engine.skip) return;
    sql = await engine.open();
    await migrate(sql);
    audit = createAuditStore(sql);
    h = buildRealHarness(
      { BODY_LIMIT_BYTES: String(4 * 1024 * 1024) },
      { notices: audit, feedback: audit, audit, recordHookCall: async (rec) => void (await audit.recordHookCall(rec)) },
    );
    const res = await request(h.app).post(REFERRAL).send(goodReferral());
    expect(res.status).toBe(200);
    card = (res.body as { cards: (typeof card)[] }).cards[0]!;
  }, 120_000);

  afterAll(async () => {
    if (!engine.skip) await sql.close();
  });

  const send = (path: string, body: unknown) =>
    request(h.app).post(path).set('content-type', 'application/json').send(JSON.stringify(body));

  it.skipIf(engine.skip)('hook calls: any member set to hostile text → never 5xx; each 200 is audited', async () => {
    const v = new Violations(h);
    const paths = pathsOf(goodReferral());
    const before = (await audit.listHookCalls(PERIOD)).filter((c) => c.status === 200).length;
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), hostile, fc.uuid(), async (path, text, hookInstance) => {
        const body = withValueAt({ ...goodReferral(), hookInstance }, path, text);
        const res = await send(REFERRAL, body);
        v.check(res, `${path.join('.')} = ${JSON.stringify(text.slice(0, 40))} (${text.length})`);
        if (res.status === 200) answered += 1;
      }),
      { numRuns: 150 },
    );
    v.assertNone();
    expect((await audit.listHookCalls(PERIOD)).filter((c) => c.status === 200).length).toBe(before + answered);
    await expectStillAnswers(h);
  });

  it.skipIf(engine.skip)('feedback: hostile comment, display, extension → never 5xx; every 200 item is stored', async () => {
    const v = new Violations(h);
    const reason = card.overrideReasons[0]!;
    const item = {
      card: card.uuid,
      outcome: 'overridden',
      overrideReason: { reason: { system: reason.system, code: reason.code, display: '孕妇拒绝' }, userComment: '已充分告知' },
      outcomeTimestamp: '2026-11-23T02:10:00Z',
      extension: { 'org.example.note': '门诊' },
    };
    const paths = pathsOf(item).map((p) => ['feedback', 0, ...p]);
    const before = (await audit.listFeedback(PERIOD)).length;
    let stored = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), hostile, async (path, text) => {
        const res = await send(`${REFERRAL}/feedback`, withValueAt({ feedback: [item] }, path, text));
        v.check(res, `${path.join('.')} = ${JSON.stringify(text.slice(0, 40))} (${text.length})`);
        if (res.status === 200) stored += 1;
      }),
      { numRuns: 120 },
    );
    v.assertNone();
    expect(stored).toBeGreaterThan(0);
    expect((await audit.listFeedback(PERIOD)).length).toBe(before + stored);
    await expectStillAnswers(h);
  });

  it.skipIf(engine.skip)('acknowledgements: hostile members → never 5xx; every 201 is kept and its identical retry is 200', async () => {
    const v = new Violations(h);
    const noticeId = new URL(card.links[0]!.url).pathname.split('/').at(-1)!;
    const valid = {
      signer: { kind: 'family-member', name: '王强', relationship: '丈夫' },
      decision: 'accepted-referral',
      signedAt: '2026-11-23T02:04:00Z',
      recordedBy: 'Practitioner/pr-wang-fang',
    };
    const paths = pathsOf(valid);
    const acknowledged: string[] = [];
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), hostile, async (path, text) => {
        n += 1;
        const text_ = JSON.stringify(withValueAt({ id: `ack-fuzz-${n}`, ...valid }, path, text));
        const post = () => request(h.app).post(`/notices/${noticeId}/acknowledgement`).set('content-type', 'application/json').send(text_);
        const res = await post();
        v.check(res, `${path.join('.')} = ${JSON.stringify(text.slice(0, 40))} (${text.length})`);
        if (res.status === 201) {
          acknowledged.push(`ack-fuzz-${n}`);
          const retry = await post();
          expect(retry.status, `identical retry of ${path.join('.')} = ${JSON.stringify(text.slice(0, 40))}`).toBe(200);
        }
      }),
      { numRuns: 120 },
    );
    v.assertNone();
    expect(acknowledged.length).toBeGreaterThan(0);
    const kept = new Set((await audit.listAcknowledgements(PERIOD)).map((a) => a.id));
    expect(acknowledged.filter((id) => !kept.has(id))).toEqual([]);
    await expectStillAnswers(h);
  });
});
