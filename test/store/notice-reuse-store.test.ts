import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jcs } from '../../src/canonical-json.js';
import { clinicalNowAt } from '../../src/clock.js';
import { buildNoticeContent } from '../../src/referral/notice/content.js';
import { derivedNoticeId, draftedNotice } from '../../src/referral/notice/substance.js';
import { createStore, type OpenedStore } from '../../src/store/create-store.js';
import { createHookCallBatcher } from '../../src/store/hook-call-batcher.js';
import { NoticeConflictError, textArrayBinary } from '../../src/store/hook-call-writes.js';
import { MEMORY_DATA_DIR } from '../../src/store/pglite-sql.js';
import type { HookCallRecord, NoticeRecord } from '../../src/store/records.js';
import { createReuseCache } from '../../src/store/reuse-cache.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { ALL_FINDINGS, FACTS, patient, POLICY } from '../referral/fixtures.js';
import { createDatabase } from './postgres-target.js';

/**
 * Notice reuse in the store (docs/design.md#notice-reuse), on PGlite and on a PostgreSQL server: a
 * repeated call of the same woman, EHR and findings writes its call, card, suggestions and link —
 * not the notice (same derived id) nor its findings (named by `findings_from`) — and stays under
 * 1 KB of row bytes; the notice is stored once as the canonical text that was hashed.
 */
const KEY = new Uint8Array(32).fill(7);
const ISSUER = 'https://ehr.hz-women.example.cn/oauth';
const FINDINGS = ALL_FINDINGS.filter((f) => f.rule === 'ama' || f.rule === 'genetic-family-history');

/** The Art. 25 notice of Zhang Li issued at `instant` (the day's text: docs/design.md#notice-reuse). */
function issued(instant: string, patientId = 'p-zhang-li-1989', findings = FINDINGS): NoticeRecord {
  const now = clinicalNowAt(new Date(instant), 'Asia/Shanghai');
  const draft = buildNoticeContent({
    noticeId: '',
    findings,
    facts: FACTS,
    patient: patient({ id: patientId }),
    policy: POLICY,
    now,
    institution: POLICY.institution,
  });
  const substanceHash = draftedNotice(draft).substanceHash;
  const id = derivedNoticeId(KEY, {
    issuer: ISSUER,
    institutionId: 'org-hz-women',
    patientId,
    pregnancyKey: `Patient/${patientId}|2026-09-15`,
    substanceHash,
  });
  const content = { ...draft, noticeId: id };
  const canonical = jcs(content);
  return {
    id,
    createdAt: now.instant,
    hash: createHash('sha256').update(canonical).digest('hex'),
    patientId,
    institutionId: 'org-hz-women',
    pregnancyKey: `Patient/${patientId}|2026-09-15`,
    rules: findings.map((f) => f.rule),
    content,
    canonical,
    substanceHash,
  };
}

/** A referral call of that woman carrying `n` (fresh call, card, suggestion and link ids). */
function call(n: NoticeRecord, findings = FINDINGS): HookCallRecord {
  const card = randomUUID();
  return {
    id: randomUUID(),
    hookInstance: randomUUID(),
    serviceId: 'prenatal-diagnosis-referral',
    hook: 'patient-view',
    receivedAt: n.createdAt,
    clinicalToday: n.createdAt.slice(0, 10),
    clinicTimeZone: 'Asia/Shanghai',
    issuer: ISSUER,
    institutionId: 'org-hz-women',
    institutionVia: 'practitioner-role',
    practitionerId: 'pr-wang-fang',
    patientId: n.patientId,
    pregnancyKey: n.pregnancyKey,
    edd: '2026-09-15',
    status: 200,
    latencyMs: 3,
    findings: findings.map((f) => ({
      rule: f.rule,
      ruleVersion: '1.0.0',
      citation: f.citation,
      evidence: [...f.evidence],
      params: f.params,
    })),
    cards: [
      {
        uuid: card,
        indicator: 'warning',
        rules: findings.map((f) => f.rule),
        suggestions: [
          { uuid: randomUUID(), kind: 'create:ServiceRequest' },
          { uuid: randomUUID(), kind: 'create:Communication' },
        ],
      },
    ],
    ruleErrors: [],
    notice: n,
    noticeLink: {
      id: randomUUID(),
      noticeId: n.id,
      tokenHash: createHash('sha256').update(randomUUID()).digest('hex'),
      issuedAt: n.createdAt,
      expiresAt: new Date(Date.parse(n.createdAt) + 30 * 86_400_000).toISOString(),
      reissue: false,
      patientId: n.patientId,
    },
  };
}

/** Bytes of every row the call wrote (pg_column_size of whole rows), notice included when it stored one. */
async function rowBytes(store: OpenedStore, callId: string): Promise<number> {
  const [r] = await store.sql.query<{ b: number }>(
    `SELECT (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM hook_call t WHERE t.id = $1::uuid)
      + (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM finding t WHERE t.hook_call_id = $1::uuid)
      + (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM card t WHERE t.hook_call_id = $1::uuid)
      + (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM suggestion t WHERE t.hook_call_id = $1::uuid)
      + (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM notice_link t WHERE t.hook_call_id = $1::uuid)
      + (SELECT coalesce(sum(pg_column_size(t.*) + coalesce(pg_column_size(t.content_jcs), 0)), 0) FROM notice t WHERE t.hook_call_id = $1::uuid)
      AS b`,
    [callId],
  );
  return Number(r!.b);
}

const PERIOD = { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' };

function contract(engine: string, open: () => Promise<OpenedStore>): void {
  describe(`notice reuse on ${engine}`, () => {
    let store: OpenedStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(() => store?.close());

    it('the same call twice: one notice row, the second call writes ≤ 1 KB and reads back the same findings', async () => {
      const first = issued('2026-03-10T02:00:00Z');
      const again = issued('2026-03-10T07:30:00Z');
      expect(again.id).toBe(first.id);
      expect(again.hash).not.toBe(first.hash);
      const a = call(first);
      const b = call(again);
      await store.audit.recordHookCall(a);
      await store.audit.recordHookCall(b);
      const notices = await store.sql.query<{ n: number; hook_call_id: string }>(
        'SELECT count(*) OVER ()::int AS n, hook_call_id::text FROM notice WHERE patient_id = $1',
        ['p-zhang-li-1989'],
      );
      expect(notices).toEqual([{ n: 1, hook_call_id: a.id }]);
      const firstBytes = await rowBytes(store, a.id!);
      const secondBytes = await rowBytes(store, b.id!);
      expect(firstBytes).toBeGreaterThan(10_000);
      expect(secondBytes).toBeLessThanOrEqual(1024);
      const [h] = await store.sql.query<{ findings_from: string }>('SELECT findings_from::text FROM hook_call WHERE id = $1', [b.id]);
      expect(h?.findings_from).toBe(a.id);
      // Both links open the one notice.
      const links = await store.sql.query<{ hook_call_id: string }>(
        'SELECT hook_call_id::text FROM notice_link WHERE notice_id = $1 ORDER BY issued_at',
        [first.id],
      );
      expect(links.map((l) => l.hook_call_id)).toEqual([a.id, b.id]);
      // QC reads the second call's findings as its own.
      const findings = (await store.audit.listFindings(PERIOD)).filter((f) => f.patientId === 'p-zhang-li-1989');
      const of = (id: string) =>
        findings.filter((f) => f.hookCallId === id).map(({ rule, evidence, params, citation }) => ({ rule, evidence, params, citation }));
      expect(of(b.id!)).toEqual(of(a.id!));
      expect(of(b.id!)).toHaveLength(FINDINGS.length);
      expect(findings.find((f) => f.hookCallId === b.id)?.receivedAt).toBe('2026-03-10T07:30:00.000Z');
    });

    it('stores the canonical text that was hashed: re-hashing the stored text gives the stored hash, and its substance the stored substance hash', async () => {
      const n = issued('2026-03-11T02:00:00Z', 'p-li-na-1990');
      await store.audit.recordHookCall(call(n));
      const [row] = await store.sql.query<{ content_jcs: string; hash: string; substance_hash: string; content: unknown }>(
        'SELECT content_jcs, hash, substance_hash, content FROM notice WHERE id = $1',
        [n.id],
      );
      expect(row?.content).toBeNull();
      expect(row?.content_jcs).toBe(n.canonical);
      expect(createHash('sha256').update(row!.content_jcs, 'utf8').digest('hex')).toBe(row?.hash);
      expect(draftedNotice(JSON.parse(row!.content_jcs) as Record<string, unknown>).substanceHash).toBe(row?.substance_hash);
      expect((await store.audit.get(n.id))?.content).toEqual(n.content);
    });

    it('notice texts go in as one binary text[] parameter: quotes, backslashes, braces, commas, NULL words, newlines, CJK and astral characters come back byte for byte', async () => {
      const texts = [
        jcs({ name: '张"丽"', path: 'C:\\记录\\2026', set: '{a,b}', word: 'NULL', lines: '第一行\n第二行\t', empty: '', rare: '𠀀😀' }),
        '',
        'NULL',
        '\\"{},',
        ' leading and trailing spaces ',
        '产'.repeat(12_000),
      ];
      const [row] = await store.sql.query<{ a: string[]; n: number }>(
        'SELECT $1::text[] AS a, cardinality($1::text[]) AS n',
        [textArrayBinary(texts)],
        {
          name: 'text-array-binary-probe',
        },
      );
      expect(row?.n).toBe(texts.length);
      expect(row?.a).toEqual(texts);
    });

    it('a binary parameter without a statement name is refused on the embedded store (PGlite would send it as text), taken as it is on a server', async () => {
      const q = store.sql.query<{ a: string[] }>('SELECT $1::text[] AS a', [textArrayBinary(['a'])]);
      if (engine === 'PGlite') await expect(q).rejects.toThrow(/binary parameter needs a named statement/);
      else expect((await q)[0]?.a).toEqual(['a']);
    });

    it('another process (no cache) issuing the same notice later: no conflict, the first issue is kept', async () => {
      const first = issued('2026-03-12T01:00:00Z', 'p-chen-jing-1987');
      await store.audit.recordHookCall(call(first));
      const replica = createHookCallBatcher(store.sql);
      await replica(call(issued('2026-03-12T08:00:00Z', 'p-chen-jing-1987')));
      const rows = await store.sql.query<{ hash: string; created_at: Date | string }>('SELECT hash, created_at FROM notice WHERE id = $1', [
        first.id,
      ]);
      expect(rows.map((r) => r.hash)).toEqual([first.hash]);
    });

    it('the same id with another substance is a conflict, cached or not; another finding is another notice', async () => {
      const n = issued('2026-03-13T02:00:00Z', 'p-zhou-min-1986');
      await store.audit.recordHookCall(call(n));
      const forged = {
        ...issued(
          '2026-03-13T03:00:00Z',
          'p-zhou-min-1986',
          ALL_FINDINGS.filter((f) => f.rule === 'ama'),
        ),
        id: n.id,
      };
      await expect(store.audit.recordHookCall(call(forged))).rejects.toBeInstanceOf(NoticeConflictError);
      await expect(createHookCallBatcher(store.sql)(call(forged))).rejects.toBeInstanceOf(NoticeConflictError);
      const other = issued(
        '2026-03-13T03:00:00Z',
        'p-zhou-min-1986',
        ALL_FINDINGS.filter((f) => f.rule === 'ama'),
      );
      expect(other.id).not.toBe(n.id);
      await store.audit.recordHookCall(
        call(
          other,
          ALL_FINDINGS.filter((f) => f.rule === 'ama'),
        ),
      );
      const [row] = await store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM notice WHERE patient_id = $1', [
        'p-zhou-min-1986',
      ]);
      expect(row?.n).toBe(2);
    });

    it('a cache that is wrong (rows it names are not in this database) costs one retry, never the call', async () => {
      const cache = createReuseCache();
      const elsewhere = await createStore({ databaseUrl: undefined, dataDir: MEMORY_DATA_DIR });
      try {
        const n = issued('2026-03-14T02:00:00Z', 'p-wu-yan-1992');
        await createHookCallBatcher(elsewhere.sql, 64, cache)(call(n));
        const here = createHookCallBatcher(store.sql, 64, cache);
        const c = call(issued('2026-03-14T05:00:00Z', 'p-wu-yan-1992'));
        await expect(here(c)).resolves.toEqual({ id: c.id });
        const [row] = await store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM notice WHERE id = $1', [n.id]);
        expect(row?.n).toBe(1);
        const [h] = await store.sql.query<{ findings_from: string | null }>('SELECT findings_from FROM hook_call WHERE id = $1', [c.id]);
        expect(h?.findings_from).toBeNull();
      } finally {
        await elsewhere.close();
      }
    });
  });
}

contract('PGlite', () => createStore({ databaseUrl: undefined, dataDir: MEMORY_DATA_DIR }));

const skipReason = postgresSkipReason('test/store/notice-reuse-store');
describe.skipIf(Boolean(skipReason))(`PostgreSQL server${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.stop());
  contract('a PostgreSQL server', async () =>
    createStore({ databaseUrl: await createDatabase(server!), dataDir: '/nonexistent/never-used' }),
  );
});
