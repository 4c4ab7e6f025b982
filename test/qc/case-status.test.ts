import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import type { ComplianceReport } from '../../src/qc/compliance-types.js';
import { casesCsv } from '../../src/qc/csv.js';
import { createStore, type OpenedStore } from '../../src/store/create-store.js';
import { buildHarness } from '../support/app-fixture.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { createDatabase } from '../store/postgres-target.js';
import { ack, feedback, visit } from './scenario.js';

/**
 * Case status against the deadline (docs/design.md#case-status), with the clock injected: the same
 * audit trail read on the day of the indication, on the last day of the deadline and the day after,
 * on both store engines. CLINIC_TIMEZONE Asia/Shanghai, NOTICE_DEADLINE_DAYS 7; every woman is
 * first indicated on 2026-11-23 at 10:00 Shanghai time, so every case is due by 2026-11-30.
 */
const TOKEN = 'province-token-0123456789';
const ENV = {
  QC_TOKENS: JSON.stringify({ [TOKEN]: { role: 'province', seesMrn: true } }),
  CLINIC_TIMEZONE: 'Asia/Shanghai',
  NOTICE_DEADLINE_DAYS: '7',
};
const INDICATED = '2026-11-23T02:00:00Z';
const PERIOD = { from: '2026-11-01', to: '2026-11-30' };
const key = (p: string) => `${p}|2027-06-01`;

async function reportAt(store: OpenedStore, instant: string, query: Record<string, string> = {}): Promise<ComplianceReport> {
  const h = buildHarness({ env: ENV, deps: { audit: store.audit, clock: fixedClock(instant, 'Asia/Shanghai') } });
  const res = await request(h.app)
    .get('/qc/notification-compliance')
    .query({ ...PERIOD, limit: '1000', ...query })
    .set('Authorization', `Bearer ${TOKEN}`);
  expect(res.status).toBe(200);
  return res.body as ComplianceReport;
}

const statuses = (r: ComplianceReport) => Object.fromEntries(r.cases.map((c) => [c.patient, c.status]));

function caseStatusSuite(engine: string, open: () => Promise<OpenedStore>): void {
  describe(`case status with the deadline (${engine})`, () => {
    let store: OpenedStore;
    const notices: Record<string, string> = {};
    beforeAll(async () => {
      store = await open();
      const at = { org: 'org-1', dr: 'dr-1', at: INDICATED };
      // 王丽 (pP): indicated, nothing else. 李娜 (pQ): the notice suggestion clicked an hour later.
      await visit(store.audit, { patient: 'pP', key: key('pP'), rules: ['ama'], ...at });
      const q = await visit(store.audit, { patient: 'pQ', key: key('pQ'), rules: ['ama'], ...at });
      await feedback(store.audit, q.card, '2026-11-23T03:00:00Z', 'accepted', [q.noticeSuggestion]);
      // pR, pS, pT: a notice printed at the visit; what follows is recorded as the days pass.
      for (const p of ['pR', 'pS', 'pT']) {
        const v = await visit(store.audit, { patient: p, key: key(p), rules: ['amniotic-fluid'], notice: true, ...at });
        notices[p] = v.noticeId!;
      }
    });
    afterAll(async () => store?.close());

    it('on the day of the indication every case is pending (or notice-issued) with its due date; nothing is due', async () => {
      const r = await reportAt(store, '2026-11-23T04:00:00Z');
      expect(statuses(r)).toEqual({ pP: 'pending', pQ: 'notice-issued', pR: 'pending', pS: 'pending', pT: 'pending' });
      expect(r.cases.map((c) => c.dueBy)).toEqual(Array(5).fill('2026-11-30'));
      expect(r.cases.find((c) => c.patient === 'pQ')).toMatchObject({ noticeAt: null, noticeIssuedAt: '2026-11-23T03:00:00.000Z' });
      expect(r.total).toEqual({
        indicated: 5,
        due: 0,
        notified: 0,
        notifiedInTime: 0,
        rate: null,
        inTimeRate: null,
        pending: 4,
        noticeIssued: 1,
        missing: 0,
        declined: 0,
        postponed: 0,
      });
      expect((await reportAt(store, '2026-11-23T04:00:00Z', { status: 'missing' })).cases).toEqual([]);
    });

    it('on the last day (23:59 Shanghai): signed and observed notices count, the rest is still pending', async () => {
      await ack(store.audit, notices.pR!, '2026-11-25T02:00:00Z');
      // A later call finds the completed notice Communication naming pT's stored notice.
      await visit(store.audit, {
        patient: 'pT',
        key: key('pT'),
        org: 'org-1',
        dr: 'dr-1',
        rules: ['amniotic-fluid'],
        at: '2026-11-26T02:00:00Z',
        relink: notices.pT!,
      });
      const r = await reportAt(store, '2026-11-30T15:59:00Z');
      expect(statuses(r)).toEqual({
        pP: 'pending',
        pQ: 'notice-issued',
        pR: 'notified-in-time',
        pS: 'pending',
        pT: 'notified-in-time',
      });
      expect(r.cases.find((c) => c.patient === 'pT')).toMatchObject({ noticeAt: '2026-11-26T02:00:00.000Z', acknowledgedAt: null });
      // Only the notified cases are due yet: 2 of 2.
      expect(r.total).toMatchObject({ indicated: 5, due: 2, notified: 2, notifiedInTime: 2, rate: 1, inTimeRate: 1, pending: 2 });
    });

    it('the next clinic day the deadline has passed: pending becomes missing; a clicked suggestion is not notified', async () => {
      const r = await reportAt(store, '2026-11-30T16:00:00Z');
      expect(statuses(r)).toEqual({
        pP: 'missing',
        pQ: 'notice-issued',
        pR: 'notified-in-time',
        pS: 'missing',
        pT: 'notified-in-time',
      });
      expect(r.total).toMatchObject({ indicated: 5, due: 5, notified: 2, notifiedInTime: 2, rate: 0.4, pending: 0, missing: 2 });
    });

    it('signed after the deadline: notified-late, counted as notified but not in time', async () => {
      await ack(store.audit, notices.pS!, '2026-12-02T02:00:00Z');
      const r = await reportAt(store, '2026-12-02T04:00:00Z');
      expect(r.cases.find((c) => c.patient === 'pS')).toMatchObject({
        status: 'notified-late',
        noticeAt: '2026-12-02T02:00:00.000Z',
        acknowledgedAt: '2026-12-02T02:00:00.000Z',
        decision: 'accepted-referral',
      });
      expect(r.total).toMatchObject({ due: 5, notified: 3, notifiedInTime: 2, rate: 0.6, inTimeRate: 0.4, missing: 1, noticeIssued: 1 });
    });

    it('CSV holds the same cases as the JSON (due date, decision and status included)', async () => {
      const json = await reportAt(store, '2026-12-02T04:00:00Z');
      const h = buildHarness({ env: ENV, deps: { audit: store.audit, clock: fixedClock('2026-12-02T04:00:00Z', 'Asia/Shanghai') } });
      const res = await request(h.app)
        .get('/qc/notification-compliance')
        .query({ ...PERIOD, format: 'csv' })
        .set('Authorization', `Bearer ${TOKEN}`)
        .buffer(true)
        .parse((r, cb) => {
          let s = '';
          r.setEncoding('utf8');
          r.on('data', (d: string) => (s += d));
          r.on('end', () => cb(null, s));
        });
      expect(res.body).toBe(casesCsv(json.cases));
      expect(res.body).toContain(',2026-11-30,,,,,missing');
    });
  });
}

caseStatusSuite('PGlite', () => createStore({ databaseUrl: undefined, dataDir: 'memory://' }));

const skipReason = postgresSkipReason('test/qc/case-status');
describe.skipIf(Boolean(skipReason))(`PostgreSQL server${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(() => server?.stop());
  caseStatusSuite('PostgreSQL', async () => {
    if (!server) throw new Error('PostgreSQL test server did not start');
    return createStore({ databaseUrl: await createDatabase(server), dataDir: '/nonexistent/never-used' });
  });
});
