import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { createAuditStore, type AuditStore } from '../../src/store/audit-store.js';
import { NoticeConflictError } from '../../src/store/hook-call-writes.js';
import { migrate } from '../../src/store/migrate.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import type { Sql } from '../../src/store/sql.js';
import { acknowledgement, feedback, hookCall, notice, period } from './audit-fixtures.js';

/** A database the contract runs on: `sql` on a new empty database, `another` a second connection (pool) to it. */
export interface FreshDatabase {
  readonly sql: Sql;
  another(): Promise<Sql>;
}

/** How an implementation of the Sql port is opened for the contract. */
export interface ContractTarget {
  fresh(): Promise<FreshDatabase>;
}

/** Each audit table with a column a no-op UPDATE can touch. */
const UPDATABLE: Record<string, string> = {
  hook_call: 'issuer',
  finding: 'rule',
  card: 'indicator',
  suggestion: 'kind',
  rule_error: 'cause',
  notice: 'hash',
  feedback: 'issuer',
  notice_acknowledgement: 'signer_name',
};
const AUDIT_TABLES = Object.keys(UPDATABLE);
/** Tests that open another database (an embedded one boots in seconds, slower under a full parallel run). */
const BOOT_TIMEOUT = 90_000;
const LATEST = Math.max(...MIGRATIONS.map((m) => m.version));

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

/** The audit store contract: one suite, run against every implementation of the Sql port. */
export function auditStoreContract(name: string, target: () => ContractTarget): void {
  describe(`audit store contract: ${name}`, () => {
    let db: FreshDatabase;
    let store: AuditStore;
    beforeAll(async () => {
      db = await target().fresh();
      await migrate(db.sql);
      store = createAuditStore(db.sql);
    });
    afterAll(async () => db?.sql.close());

    it('migrations are idempotent: a second run applies nothing', async () => {
      expect(await migrate(db.sql)).toEqual({ applied: [], version: LATEST });
      const rows = await db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(rows[0]?.n).toBe(MIGRATIONS.length);
    });

    it(
      'two replicas migrating one empty database at once apply each migration once',
      async () => {
        const fresh = await target().fresh();
        const second = await fresh.another();
        try {
          const reports = await Promise.all([migrate(fresh.sql), migrate(second)]);
          expect(reports.flatMap((r) => r.applied).sort()).toEqual(MIGRATIONS.map((m) => m.version).sort());
          expect(reports.map((r) => r.version)).toEqual([LATEST, LATEST]);
        } finally {
          await second.close();
          await fresh.sql.close();
        }
      },
      BOOT_TIMEOUT,
    );

    it('records a hook call with findings, cards, suggestions, rule errors and notice in one go', async () => {
      const inst = randomUUID();
      const n = notice({ institutionId: inst });
      const call = hookCall({ institutionId: inst, notice: n });
      const { id } = await store.recordHookCall(call);
      const q = period(inst);
      const [row] = await store.listHookCalls(q);
      expect(row).toMatchObject({ id, hookInstance: call.hookInstance, status: 200, latencyMs: 42, tenant: 't1', noticeId: n.id });
      expect(
        (await store.listFindings(q)).map(({ rule, citation, evidence, params, hookCallId }) => ({
          rule,
          citation,
          evidence,
          params,
          hookCallId,
        })),
      ).toEqual(call.findings.map(({ rule, citation, evidence, params }) => ({ rule, citation, evidence, params, hookCallId: id })));
      const cards = await store.listCards(q);
      expect(cards).toHaveLength(1);
      expect(cards[0]).toMatchObject({
        uuid: call.cards[0]!.uuid,
        indicator: 'warning',
        rules: ['ZJ24-AMA', 'ZJ24-AFI'],
        pregnancyKey: 'p1|2025-08-01',
      });
      expect([...cards[0]!.suggestions].sort((a, b) => a.kind.localeCompare(b.kind))).toEqual(
        [...call.cards[0]!.suggestions].sort((a, b) => a.kind.localeCompare(b.kind)),
      );
      const errors = await db.sql.query<{ rule: string; cause: string }>(
        'SELECT rule, cause FROM rule_error WHERE hook_call_id = $1::uuid',
        [id],
      );
      expect(errors).toEqual([{ rule: 'ZJ24-TERATOGEN', cause: 'TypeError in expression' }]);
      expect((await store.listNotices(q)).map((x) => ({ id: x.id, hash: x.hash, rules: x.rules, hookCallId: x.hookCallId }))).toEqual([
        { id: n.id, hash: n.hash, rules: n.rules, hookCallId: id },
      ]);
    });

    it('records calls of every shape (only the tables with rows are written), alone and mixed in one batch', async () => {
      const inst = randomUUID();
      const shapes = {
        bare: () => hookCall({ institutionId: inst, findings: [], cards: [], ruleErrors: [] }),
        findingsOnly: () => hookCall({ institutionId: inst, cards: [], ruleErrors: [] }),
        cardNoSuggestions: () => {
          const c = hookCall({ institutionId: inst, ruleErrors: [] });
          return { ...c, cards: c.cards.map((k) => ({ ...k, suggestions: [] })) };
        },
        errorsOnly: () => hookCall({ institutionId: inst, findings: [], cards: [] }),
        noticeOnly: () =>
          hookCall({ institutionId: inst, findings: [], cards: [], ruleErrors: [], notice: notice({ institutionId: inst }) }),
        everything: () => hookCall({ institutionId: inst, notice: notice({ institutionId: inst }) }),
      };
      const calls = [...Object.values(shapes), ...Object.values(shapes)].map((make) => make());
      await store.recordHookCall(calls[0]!); // alone
      const ids = [
        (await store.recordHookCall(calls[1]!)).id,
        ...(await Promise.all(calls.slice(2).map((c) => store.recordHookCall(c)))).map((r) => r.id),
      ];
      const q = period(inst);
      expect((await store.listHookCalls(q)).map((r) => r.hookInstance).sort()).toEqual(calls.map((c) => c.hookInstance).sort());
      expect(await store.listFindings(q)).toHaveLength(calls.reduce((n, c) => n + c.findings.length, 0));
      const cards = await store.listCards(q);
      expect(cards).toHaveLength(calls.reduce((n, c) => n + c.cards.length, 0));
      expect(cards.reduce((n, c) => n + c.suggestions.length, 0)).toBe(
        calls.reduce((n, c) => n + c.cards.reduce((m, k) => m + k.suggestions.length, 0), 0),
      );
      expect((await store.listNotices(q)).map((x) => x.id).sort()).toEqual(calls.flatMap((c) => (c.notice ? [c.notice.id] : [])).sort());
      const [errors] = await db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM rule_error WHERE hook_call_id = ANY($1::uuid[])', [
        ids,
      ]);
      expect(errors?.n).toBe(calls.slice(1).reduce((n, c) => n + c.ruleErrors.length, 0));
    });

    it('named (prepared) statements give the same typed rows as unnamed ones, are reused, and survive a failed transaction', async () => {
      const text = `SELECT $1::int AS i, $2::text AS t, $3::jsonb AS j, $4::timestamptz AS ts, ARRAY['a', $2::text] AS arr, NULL::text AS nothing`;
      const params = (n: number) => [n, `x${n}`, JSON.stringify({ n, nested: [n] }), '2026-11-23T02:00:00Z'];
      for (const n of [1, 2, 3]) {
        const plain = await db.sql.query(text, params(n));
        const named = await db.sql.transaction((tx) => tx.query(text, params(n), { name: 'contract_named_select' }));
        expect(named).toEqual(plain);
        expect(await db.sql.query(text, params(n), { name: 'contract_named_select' })).toEqual(plain);
      }
      // It is a real prepared statement of the connection that ran it.
      const listed = await db.sql.transaction(async (tx) => {
        await tx.query(text, params(4), { name: 'contract_named_select' });
        return tx.query<{ name: string }>('SELECT name FROM pg_prepared_statements WHERE name = $1', ['contract_named_select']);
      });
      expect(listed).toEqual([{ name: 'contract_named_select' }]);
      // A named statement that fails inside a transaction rolls it back; the name stays usable.
      const tag = `named-${randomUUID()}`;
      const insert = 'INSERT INTO jti_seen (iss, jti, expires_at) VALUES ($1, $2, now() + $3::interval) RETURNING jti';
      const failed = await rejection(
        db.sql.transaction(async (tx) => {
          await tx.query(insert, [tag, 'a', '1 hour'], { name: 'contract_named_insert' });
          await tx.query(insert, [tag, 'a', '1 hour'], { name: 'contract_named_insert' });
        }),
      );
      expect(failed).toBeInstanceOf(AppError);
      expect((failed as AppError).code).toBe('store-unavailable');
      expect(await db.sql.query('SELECT jti FROM jti_seen WHERE iss = $1', [tag])).toEqual([]);
      expect(await db.sql.transaction((tx) => tx.query(insert, [tag, 'b', '1 hour'], { name: 'contract_named_insert' }))).toEqual([
        { jti: 'b' },
      ]);
      // A statement that cannot be prepared is refused, and does not poison the name for a good text.
      expect(await rejection(db.sql.transaction((tx) => tx.query('SELEC nonsense', [], { name: 'contract_named_bad' })))).toBeInstanceOf(
        AppError,
      );
      expect(await db.sql.transaction((tx) => tx.query('SELECT 7 AS seven', [], { name: 'contract_named_bad' }))).toEqual([{ seven: 7 }]);
    });

    it('a named statement outside a transaction is autocommitted: all of it, or on error none of it', async () => {
      const tag = `autocommit-${randomUUID()}`;
      const twoRows = `WITH a AS (INSERT INTO jti_seen (iss, jti, expires_at) VALUES ($1, 'one', now() + interval '1 hour'))
        INSERT INTO jti_seen (iss, jti, expires_at) VALUES ($1, $2, now() + interval '1 hour') RETURNING jti`;
      expect(await db.sql.query(twoRows, [tag, 'two'], { name: 'contract_autocommit' })).toEqual([{ jti: 'two' }]);
      // Seen from another statement, with no transaction of ours around it: committed.
      const stored = async () =>
        (await db.sql.query<{ jti: string }>('SELECT jti FROM jti_seen WHERE iss = $1 ORDER BY jti', [tag])).map((r) => r.jti);
      expect(await stored()).toEqual(['one', 'two']);
      // A second run fails on 'one' (primary key) after inserting nothing visible: the row for 'three' is not kept.
      const failed = await rejection(db.sql.query(twoRows, [tag, 'three'], { name: 'contract_autocommit' }));
      expect(failed).toMatchObject({ code: 'store-unavailable' });
      expect(await stored()).toEqual(['one', 'two']);
      // The connection is usable at once, inside and outside a transaction.
      expect(await db.sql.query(twoRows, [`${tag}-b`, 'four'], { name: 'contract_autocommit' })).toEqual([{ jti: 'four' }]);
      expect(await db.sql.transaction((tx) => tx.query('SELECT count(*)::int AS n FROM jti_seen WHERE iss = $1', [tag]))).toEqual([
        { n: 2 },
      ]);
    });

    it("a named statement outside a transaction never joins another caller's open transaction", async () => {
      const tag = `apart-${randomUUID()}`;
      const insert = "INSERT INTO jti_seen (iss, jti, expires_at) VALUES ($1, $2, now() + interval '1 hour') RETURNING jti";
      let opened!: () => void;
      const open = new Promise<void>((resolve) => {
        opened = resolve;
      });
      // A transaction that has written a row and then fails; meanwhile another caller runs named
      // and unnamed statements outside any transaction.
      const failed = rejection(
        db.sql.transaction(async (tx) => {
          await tx.query(insert, [tag, 'in-tx']);
          opened();
          await new Promise((resolve) => setTimeout(resolve, 50));
          await tx.query(insert, [tag, 'named-in-tx'], { name: 'contract_apart_insert' });
          throw new Error('rolled back');
        }),
      );
      await open;
      const later = Promise.all([
        db.sql.query(insert, [tag, 'named-outside'], { name: 'contract_apart_insert' }),
        db.sql.query(insert, [tag, 'unnamed-outside']),
      ]);
      expect(await failed).toMatchObject({ message: 'rolled back' });
      expect(await later).toEqual([[{ jti: 'named-outside' }], [{ jti: 'unnamed-outside' }]]);
      const stored = await db.sql.query<{ jti: string }>('SELECT jti FROM jti_seen WHERE iss = $1 ORDER BY jti', [tag]);
      expect(stored.map((r) => r.jti)).toEqual(['named-outside', 'unnamed-outside']);
    });

    it('named and unnamed statements issued at once inside a transaction each get their own rows', async () => {
      const text = 'SELECT $1::int AS i, $2::text AS t';
      const rows = await db.sql.transaction((tx) =>
        Promise.all(
          Array.from({ length: 12 }, (_, i) => tx.query(text, [i, `v${i}`], i % 2 === 0 ? { name: 'contract_parallel_select' } : {})),
        ),
      );
      expect(rows).toEqual(Array.from({ length: 12 }, (_, i) => [{ i, t: `v${i}` }]));
    });

    it('a hook call is all or nothing: a conflicting notice stores none of it', async () => {
      const inst = randomUUID();
      const n = notice({ institutionId: inst });
      await store.put(n);
      const err = await rejection(store.recordHookCall(hookCall({ institutionId: inst, notice: { ...n, hash: 'b'.repeat(64) } })));
      expect(err).toBeInstanceOf(NoticeConflictError);
      expect(await store.listHookCalls(period(inst))).toEqual([]);
      expect(await store.listFindings(period(inst))).toEqual([]);
    });

    it('keeps a notice with its hash; a repeat is a no-op, a different hash a conflict', async () => {
      const n = notice();
      await store.put(n);
      await store.put(n);
      expect(await store.get(n.id)).toEqual(n);
      expect(await rejection(store.put({ ...n, hash: 'c'.repeat(64) }))).toBeInstanceOf(NoticeConflictError);
      expect((await store.get(n.id))?.hash).toBe(n.hash);
      expect(await store.get(randomUUID())).toBeUndefined();
      const bare = {
        id: randomUUID(),
        createdAt: '2025-03-01T02:00:00.000Z',
        hash: 'd'.repeat(64),
        patientId: 'p2',
        content: { x: [1, 'two'] },
      };
      await store.put(bare);
      expect(await store.get(bare.id)).toEqual({ ...bare, rules: [] });
    });

    it("stores a notice's content uncompressed and reads it back whole (migrations 0005, 0015)", async () => {
      const long = notice({
        content: {
          noticeId: 'n',
          about: Array.from({ length: 40 }, (_, i) => `第${i}条：介入性产前诊断存在少量风险，如流产、出血、感染。`),
        },
      });
      await store.recordHookCall(hookCall({ notice: long }));
      const [row] = await db.sql.query<{ storage: string; compression: string | null }>(
        `SELECT a.attstorage AS storage, pg_column_compression(n.content_jcs) AS compression
         FROM notice n JOIN pg_attribute a ON a.attrelid = 'notice'::regclass AND a.attname = 'content_jcs' WHERE n.id = $1`,
        [long.id],
      );
      // 'e' = EXTERNAL (out of line when the row is large, never compressed); compression null = stored as is.
      expect(row).toEqual({ storage: 'e', compression: null });
      expect(await store.get(long.id)).toEqual(long);
    });

    it('appends feedback batches in order, repeats included, joined to the card it is about', async () => {
      const inst = randomUUID();
      const call = hookCall({ institutionId: inst });
      await store.recordHookCall(call);
      const card = call.cards[0]!.uuid;
      const overridden = feedback(card, {
        item: {
          card,
          outcome: 'overridden',
          overrideReason: { reason: { system: 'urn:x', code: 'declined' }, userComment: 'x' },
          outcomeTimestamp: '2025-03-01T03:00:00Z',
        },
      });
      await store.append([feedback(card), feedback(card)]);
      await store.append([overridden]);
      await store.append([]);
      const rows = await store.listFeedback(period(inst));
      expect(rows.map((r) => [r.outcome, r.acceptedSuggestions, r.institutionId, r.pregnancyKey])).toEqual([
        ['accepted', ['s-1'], inst, 'p1|2025-08-01'],
        ['accepted', ['s-1'], inst, 'p1|2025-08-01'],
        ['overridden', [], inst, 'p1|2025-08-01'],
      ]);
      expect(rows[0]!.dedupeKey).toBe(rows[1]!.dedupeKey);
      expect(rows[2]!.dedupeKey).not.toBe(rows[0]!.dedupeKey);
      expect(rows[0]).toMatchObject({
        cardUuid: card,
        outcomeTimestamp: '2025-03-01T02:59:00.000Z',
        item: feedback(card).item,
        receivedAt: '2025-03-01T03:00:00.000Z',
      });
      const unknownCard = randomUUID();
      await store.append([feedback(unknownCard)]);
      const all = await store.listFeedback({ from: '2025-03-01T00:00:00Z', to: '2025-04-01T00:00:00Z' });
      expect(all.find((r) => r.cardUuid === unknownCard)?.institutionId).toBeUndefined();
    });

    it('acknowledgements are idempotent on the client id; a different repeat is a conflict', async () => {
      const inst = randomUUID();
      const n = notice({ institutionId: inst });
      await store.put(n);
      const ack = acknowledgement(n.id);
      expect(await store.appendAcknowledgement(ack)).toEqual({ status: 'created', acknowledgement: ack });
      expect(
        await store.appendAcknowledgement({ ...ack, recordedAt: '2025-03-02T10:00:00.000Z', signedAt: '2025-03-02T17:30:00+08:00' }),
      ).toEqual({ status: 'repeat', acknowledgement: ack });
      expect(await store.appendAcknowledgement({ ...ack, decision: 'declined' })).toEqual({ status: 'conflict', existing: ack });
      expect(await store.appendAcknowledgement(acknowledgement(randomUUID()))).toEqual({ status: 'unknown-notice' });
      const patientSigned = acknowledgement(n.id, { signerKind: 'patient', relationship: undefined, decision: 'undecided' });
      expect((await store.appendAcknowledgement(patientSigned)).status).toBe('created');
      const rows = await store.listAcknowledgements(period(inst));
      expect(rows.map((r) => r.id).sort()).toEqual([ack.id, patientSigned.id].sort());
      expect(rows.find((r) => r.id === patientSigned.id)).toEqual({
        ...patientSigned,
        relationship: undefined,
        patientId: 'p1',
        pregnancyKey: n.pregnancyKey,
        institutionId: inst,
      });
    });

    it('issuedCards: only the cards the service answered to that issuer and tenant', async () => {
      const call = hookCall();
      await store.recordHookCall(call);
      const card = call.cards[0]!.uuid;
      const other = randomUUID();
      const q = { serviceId: call.serviceId, issuer: call.issuer, tenant: call.tenant, uuids: [card, other, card] };
      expect([...(await store.issuedCards(q))]).toEqual([card]);
      expect((await store.issuedCards({ ...q, serviceId: 'nipt-order-check' })).size).toBe(0);
      expect((await store.issuedCards({ ...q, issuer: 'https://other-ehr.example/' })).size).toBe(0);
      expect((await store.issuedCards({ ...q, tenant: 't2' })).size).toBe(0);
      expect((await store.issuedCards({ serviceId: call.serviceId, issuer: call.issuer, uuids: [card] })).size).toBe(0);
      expect((await store.issuedCards({ ...q, uuids: [] })).size).toBe(0);
    });

    it('an acknowledgement signed before its notice was issued (beyond the skew) is refused, nothing written', async () => {
      const n = notice({ createdAt: '2025-03-02T09:00:00.000Z' });
      await store.put(n);
      const early = acknowledgement(n.id, { signedAt: '2025-03-02T08:54:59.000Z' });
      expect(await store.appendAcknowledgement(early)).toEqual({ status: 'signed-before-notice', issuedAt: '2025-03-02T09:00:00.000Z' });
      const withinSkew = acknowledgement(n.id, { id: early.id, signedAt: '2025-03-02T08:56:00.000Z' });
      expect((await store.appendAcknowledgement(withinSkew)).status).toBe('created');
    });

    it('remembers a JWT id once: a replay is refused, another issuer is not', async () => {
      const jti = randomUUID();
      expect(await store.rememberJti('https://ehr.example/', jti, '2025-03-01T02:05:00Z')).toBe(true);
      expect(await store.rememberJti('https://ehr.example/', jti, '2025-03-01T02:05:00Z')).toBe(false);
      expect(await store.rememberJti('https://other.example/', jti, '2025-03-01T02:05:00Z')).toBe(true);
      const concurrent = await Promise.all(Array.from({ length: 8 }, () => store.rememberJti('iss-race', jti, '2025-03-01T02:05:00Z')));
      expect(concurrent.filter(Boolean)).toHaveLength(1);
      expect(await store.pruneJtis('2025-03-01T02:06:00Z')).toBeGreaterThanOrEqual(3);
      expect(await store.rememberJti('https://ehr.example/', jti, '2025-03-01T02:10:00Z')).toBe(true);
    });

    it('period queries are half-open [from, to) and filter by institution', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      const at = (receivedAt: string, institutionId: string) =>
        store.recordHookCall(hookCall({ receivedAt, institutionId, cards: [], findings: [], ruleErrors: [] }));
      await Promise.all([
        at('2025-05-01T00:00:00Z', a),
        at('2025-05-15T12:00:00Z', a),
        at('2025-06-01T00:00:00Z', a),
        at('2025-05-10T00:00:00Z', b),
      ]);
      const may = await store.listHookCalls(period(a, '2025-05-01T00:00:00Z', '2025-06-01T00:00:00Z'));
      expect(may.map((r) => r.receivedAt)).toEqual(['2025-05-01T00:00:00.000Z', '2025-05-15T12:00:00.000Z']);
      const everyone = await store.listHookCalls({ from: '2025-05-01T00:00:00Z', to: '2025-06-01T00:00:00Z' });
      expect(everyone.filter((r) => r.institutionId === a || r.institutionId === b)).toHaveLength(3);
    });

    it('listObservedNotices: a later call that re-linked a stored notice (its Communication seen), not the issuing call, not one that issued it again, not another EHR', async () => {
      const org = randomUUID();
      const n = notice({
        institutionId: org,
        patientId: 'p-observed',
        pregnancyKey: 'p-observed|2025-12-01',
        createdAt: '2025-07-01T02:00:00.000Z',
      });
      const link = (at: string, reissue: boolean) => ({
        id: randomUUID(),
        noticeId: n.id,
        tokenHash: randomUUID().replaceAll('-', '').repeat(2),
        issuedAt: at,
        expiresAt: '2025-09-01T00:00:00.000Z',
        reissue,
        patientId: 'p-observed',
      });
      const call = (at: string, extra: Partial<Parameters<typeof hookCall>[0]>) =>
        store.recordHookCall(
          hookCall({ receivedAt: at, institutionId: org, patientId: 'p-observed', findings: [], cards: [], ruleErrors: [], ...extra }),
        );
      await call('2025-07-01T02:00:00.000Z', { notice: n, noticeLink: link('2025-07-01T02:00:00.000Z', false) });
      // The chart opened again: the same notice computed again (docs/design.md#notice-reuse) and
      // linked by this call, which saw no Communication — not an observation.
      await call('2025-07-02T02:00:00.000Z', { notice: n, noticeLink: link('2025-07-02T02:00:00.000Z', false) });
      await call('2025-07-04T02:00:00.000Z', { noticeLink: link('2025-07-04T02:00:00.000Z', true) });
      // Another EHR naming the same notice: the store issues no link, so nothing is observed.
      await call('2025-07-05T02:00:00.000Z', { issuer: 'https://other-ehr.example/', noticeLink: link('2025-07-05T02:00:00.000Z', true) });
      const july = period(org, '2025-07-01T00:00:00Z', '2025-08-01T00:00:00Z');
      expect(await store.listObservedNotices(july)).toEqual([
        {
          noticeId: n.id,
          observedAt: '2025-07-04T02:00:00.000Z',
          patientId: 'p-observed',
          // The EHR of the notice's call, which owns the patient id (docs/design.md#patient-scope).
          issuer: 'https://ehr.example/',
          tenant: 't1',
          pregnancyKey: 'p-observed|2025-12-01',
          institutionId: org,
        },
      ]);
      expect(await store.listObservedNotices(period(randomUUID(), '2025-07-01T00:00:00Z', '2025-08-01T00:00:00Z'))).toEqual([]);
      expect(await store.listObservedNotices(period(org, '2025-07-05T00:00:00Z', '2025-08-01T00:00:00Z'))).toEqual([]);
    });

    it('enforces append-only: UPDATE, DELETE and TRUNCATE raise on every audit table', async () => {
      const n = notice();
      const { id } = await store.recordHookCall(hookCall({ notice: n }));
      await store.append([feedback(randomUUID())]);
      await store.appendAcknowledgement(acknowledgement(n.id));
      for (const table of AUDIT_TABLES) {
        const [row] = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
        expect(row?.n, table).toBeGreaterThan(0);
        const column = UPDATABLE[table];
        for (const stmt of [`UPDATE ${table} SET ${column} = ${column}`, `DELETE FROM ${table}`, `TRUNCATE ${table} CASCADE`]) {
          const err = await rejection(db.sql.query(stmt));
          expect(err, stmt).toBeInstanceOf(AppError);
          expect((err as AppError).code).toBe('store-unavailable');
          expect(String((err as AppError).cause), stmt).toMatch(/append-only/);
        }
      }
      expect(
        await store.listHookCalls({ from: '2025-03-01T00:00:00Z', to: '2025-03-02T00:00:00Z', institutionId: 'org-1' }),
      ).toContainEqual(expect.objectContaining({ id }));
    });

    it('group commit: 50 concurrent hook calls are all stored, each exactly once, under the id each caller got', async () => {
      const inst = randomUUID();
      const calls = Array.from({ length: 50 }, () => hookCall({ institutionId: inst, notice: notice({ institutionId: inst }) }));
      const ids = (await Promise.all(calls.map((c) => store.recordHookCall(c)))).map((r) => r.id);
      expect(new Set(ids).size).toBe(50);
      const rows = await store.listHookCalls(period(inst));
      expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
      expect(rows.map((r) => r.hookInstance).sort()).toEqual(calls.map((c) => c.hookInstance).sort());
      expect(await store.listFindings(period(inst))).toHaveLength(100);
      expect(await store.listCards(period(inst))).toHaveLength(50);
      const notices = await store.listNotices(period(inst));
      expect(notices.map((x) => [x.id, x.hookCallId]).sort()).toEqual(calls.map((c, i) => [c.notice!.id, ids[i]]).sort());
      // Each notice's text went in at its own place of the batch's one text[] parameter.
      for (const c of calls) expect((await store.get(c.notice!.id))?.content).toEqual(c.notice!.content);
      const [counts] = await db.sql.query<{ s: number; e: number }>(
        `SELECT (SELECT count(*)::int FROM suggestion WHERE hook_call_id IN (SELECT id FROM hook_call WHERE institution_id = $1)) AS s,
                (SELECT count(*)::int FROM rule_error WHERE hook_call_id IN (SELECT id FROM hook_call WHERE institution_id = $1)) AS e`,
        [inst],
      );
      expect(counts).toEqual({ s: 100, e: 50 });
    });

    it('group commit: a conflicting notice amid concurrent calls rejects only its own caller', async () => {
      const inst = randomUUID();
      const n = notice({ institutionId: inst });
      await store.put(n);
      const good = Array.from({ length: 20 }, () => hookCall({ institutionId: inst, notice: notice({ institutionId: inst }) }));
      const bad = hookCall({ institutionId: inst, notice: { ...n, hash: 'e'.repeat(64) } });
      const outcomes = await Promise.allSettled([...good.slice(0, 10), bad, ...good.slice(10)].map((c) => store.recordHookCall(c)));
      const rejected = outcomes.filter((o) => o.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect(outcomes[10]).toMatchObject({ status: 'rejected', reason: expect.any(NoticeConflictError) });
      const rows = await store.listHookCalls(period(inst));
      expect(rows.map((r) => r.hookInstance).sort()).toEqual(good.map((c) => c.hookInstance).sort());
      expect(await store.listFindings(period(inst))).toHaveLength(40);
      expect((await store.get(n.id))?.hash).toBe(n.hash);
    });

    it('group commit: one notice id twice in a batch — same hash stored once, another hash rejects the later call', async () => {
      const inst = randomUUID();
      const n = notice({ institutionId: inst });
      const [first, repeat] = await Promise.all([
        store.recordHookCall(hookCall({ institutionId: inst, notice: n })),
        store.recordHookCall(hookCall({ institutionId: inst, notice: n })),
      ]);
      expect(first.id).not.toBe(repeat.id);
      expect((await store.listNotices(period(inst))).map((x) => [x.id, x.hookCallId])).toEqual([[n.id, first.id]]);
      const m = notice({ institutionId: inst });
      const outcomes = await Promise.allSettled([
        store.recordHookCall(hookCall({ institutionId: inst, notice: m })),
        store.recordHookCall(hookCall({ institutionId: inst, notice: { ...m, hash: 'f'.repeat(64) } })),
      ]);
      expect(outcomes[0]!.status).toBe('fulfilled');
      expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: expect.any(NoticeConflictError) });
      expect((await store.get(m.id))?.hash).toBe(m.hash);
      expect(await store.listHookCalls(period(inst))).toHaveLength(3);
    });

    it('group commit: an invalid record or a repeated id fails alone (503), the batch around it is stored', async () => {
      const inst = randomUUID();
      const fixedId = randomUUID();
      const invalid = hookCall({
        institutionId: inst,
        cards: [{ uuid: randomUUID(), indicator: 'bogus' as 'info', rules: [], suggestions: [] }],
      });
      const calls = [
        hookCall({ institutionId: inst, id: fixedId }),
        hookCall({ institutionId: inst }),
        invalid,
        hookCall({ institutionId: inst, id: fixedId }),
        hookCall({ institutionId: inst }),
      ];
      const outcomes = await Promise.allSettled(calls.map((c) => store.recordHookCall(c)));
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
      for (const o of [outcomes[2], outcomes[3]]) {
        expect(o).toMatchObject({ status: 'rejected', reason: expect.any(AppError) });
        expect(((o as PromiseRejectedResult).reason as AppError).code).toBe('store-unavailable');
      }
      expect(outcomes[0]).toEqual({ status: 'fulfilled', value: { id: fixedId } });
      const rows = await store.listHookCalls(period(inst));
      expect(rows.map((r) => r.hookInstance).sort()).toEqual([calls[0]!, calls[1]!, calls[4]!].map((c) => c.hookInstance).sort());
    });

    it(
      'stores concurrent hook calls; a closed store answers store-unavailable',
      async () => {
        const inst = randomUUID();
        await Promise.all(Array.from({ length: 12 }, () => store.recordHookCall(hookCall({ institutionId: inst }))));
        expect(await store.listHookCalls(period(inst))).toHaveLength(12);
        expect(await store.listFindings(period(inst))).toHaveLength(24);
        const closed = await target().fresh();
        await closed.sql.close();
        const err = await rejection(createAuditStore(closed.sql).get('x'));
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toBe('store-unavailable');
      },
      BOOT_TIMEOUT,
    );
  });
}
