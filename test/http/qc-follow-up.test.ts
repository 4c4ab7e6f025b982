import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowUpEvent } from '../../src/clinical/data-elements/follow-up-events.js';
import { fixedClock } from '../../src/clock.js';
import { parseCsv } from '../../src/csv/index.js';
import { FOLLOW_UP_ROW_COLUMNS, NIPT_COLUMNS, UNDIAGNOSED_COLUMNS } from '../../src/qc/follow-up-csv.js';
import type { FollowUpReport } from '../../src/qc/follow-up-types.js';
import { createStore, type OpenedStore } from '../../src/store/create-store.js';
import type { HookCallRecord } from '../../src/store/records.js';
import { buildHarness } from '../support/app-fixture.js';
import { buildSummary } from '../store/audit-fixtures.js';

/**
 * `GET /qc/follow-up` (docs/design.md#follow-up) over the real audit store (PGlite): hook calls with
 * their findings and the follow-up events they observed, stored in the call's statement and read
 * back; token scope, CSV = JSON, paging, bad queries. Today 2027-03-01 in Asia/Shanghai.
 */
const PROVINCE = 'province-token-0123456789';
const ORG_1_TOKEN = 'org-1-token-0123456789abc';
const ENV = {
  // The province token may see patient ids (docs/design.md#patient-identity): the lists are compared by id.
  QC_TOKENS: JSON.stringify({
    [PROVINCE]: { role: 'province', seesMrn: true },
    [ORG_1_TOKEN]: { role: 'institution', institution: 'org-1' },
  }),
  CLINIC_TIMEZONE: 'Asia/Shanghai',
};
const PERIOD = { from: '2026-10-01', to: '2026-12-31' };

function call(at: string, org: string, patient: string, edd: string | undefined, extra: Partial<HookCallRecord> = {}): HookCallRecord {
  return {
    hookInstance: randomUUID(),
    serviceId: 'prenatal-diagnosis-referral',
    hook: 'patient-view',
    receivedAt: at,
    issuer: 'https://ehr.example.cn/',
    institutionId: org,
    patientId: patient,
    ...(edd ? { pregnancyKey: `Patient/${patient}|${edd}` } : {}),
    status: 200,
    latencyMs: 5,
    findings: [],
    cards: [],
    ruleErrors: [],
    ...extra,
  };
}
const indicated = (rule: string, patient: string) => ({
  findings: [{ rule, citation: 'ZJ-2023 Art.24', evidence: [`Patient/${patient}`], params: {} }],
});
const ev = (kind: FollowUpEvent['kind'], reference: string, on: string, extra: Partial<FollowUpEvent> = {}): FollowUpEvent => ({
  kind,
  reference,
  on,
  day: on.slice(0, 10),
  ...extra,
});

/**
 * org-1: 王芳 (p-wang) indicated 2026-11-02 (ama), referred, amniocentesis, karyotype; a later call
 * after her delivery (no pregnancy key) sees the delivery. 李娜 (p-li) indicated 2026-11-10, nothing
 * follows: undiagnosed, due 2026-12-08. 孙丽 (p-sun), never indicated, low-risk NIPT 2026-10-15,
 * EDD 2027-01-10: no outcome recorded by EDD + 42 = 2027-02-21 (Art. 29). org-2: 赵敏 (p-zhao)
 * indicated 2026-12-20, EDD 2027-04-20: due by 24+0 = 2026-12-29; her low-risk NIPT (2026-10-12)
 * is not yet due for its outcome.
 */
const CALLS: HookCallRecord[] = [
  call('2026-11-02T02:00:00Z', 'org-1', 'p-wang', '2027-04-01', indicated('ama', 'p-wang')),
  call('2026-11-25T02:00:00Z', 'org-1', 'p-wang', '2027-04-01', {
    followUp: [
      ev('referral', 'ServiceRequest/sr-wang', '2026-11-03T10:00:00+08:00', { code: 'prenatal-diagnosis-referral' }),
      ev('procedure', 'Procedure/amnio-wang', '2026-11-20', { code: '75.1x00', detail: 'amniocentesis' }),
    ],
  }),
  call('2026-12-10T02:00:00Z', 'org-1', 'p-wang', '2027-04-01', {
    followUp: [
      ev('referral', 'ServiceRequest/sr-wang', '2026-11-03T10:00:00+08:00'),
      ev('procedure', 'Procedure/amnio-wang', '2026-11-20', { detail: 'amniocentesis' }),
      ev('result', 'DiagnosticReport/karyo-wang', '2026-12-05', { detail: 'karyotype', institution: 'zj-pd-center' }),
    ],
  }),
  call('2027-02-20T02:00:00Z', 'org-1', 'p-wang', undefined, {
    followUp: [ev('outcome', 'Procedure/cs-wang', '2027-02-01T08:40:00+08:00', { code: '11466000', detail: 'delivery' })],
  }),
  call('2026-11-10T02:00:00Z', 'org-1', 'p-li', '2027-06-30', indicated('screening-high-risk', 'p-li')),
  call('2026-10-20T02:00:00Z', 'org-1', 'p-sun', '2027-01-10', {
    followUp: [
      ev('nipt-low-risk', 'Observation/nipt-sun', '2026-10-15T09:30:00+08:00', { code: 'nipt-result', institution: 'hz-nipt-lab' }),
    ],
  }),
  call('2026-12-20T02:00:00Z', 'org-2', 'p-zhao', '2027-04-20', {
    ...indicated('fetal-anomaly', 'p-zhao'),
    followUp: [ev('nipt-low-risk', 'Observation/nipt-zhao', '2026-10-12', { institution: 'hz-nipt-lab' })],
  }),
];

async function get(app: ReturnType<typeof buildHarness>['app'], query: Record<string, string>, token = PROVINCE) {
  return request(app)
    .get('/qc/follow-up')
    .query({ ...PERIOD, ...query })
    .set('Authorization', `Bearer ${token}`);
}

describe('GET /qc/follow-up on PGlite', () => {
  let store: OpenedStore;
  let app: ReturnType<typeof buildHarness>['app'];
  beforeAll(async () => {
    store = await createStore({ databaseUrl: undefined, dataDir: 'memory://' });
    for (const c of CALLS) await store.audit.recordHookCall(c);
    app = buildHarness({ env: ENV, deps: { audit: store.audit, clock: fixedClock('2027-03-01T02:00:00Z', 'Asia/Shanghai') } }).app;
  }, 90_000);
  afterAll(async () => store?.close());

  it('the funnel per institution, the undiagnosed by urgency; events read back as stored, each record once', async () => {
    const res = await get(app, {});
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const r = res.body as FollowUpReport;
    expect(r).toMatchObject({ ...PERIOD, groupBy: 'institution', today: '2027-03-01' });
    const zero = { notified: 0, signed: 0, accepted: 0, declined: 0, postponed: 0 };
    expect(r.rows).toEqual([
      { key: 'org-1', indicated: 2, ...zero, referred: 1, procedure: 1, result: 1, outcome: 1 },
      { key: 'org-2', indicated: 1, ...zero, referred: 0, procedure: 0, result: 0, outcome: 0 },
    ]);
    expect(r.undiagnosed.map((u) => [u.patient, u.institution, u.diagnosisDueBy, u.overdueDays, u.stage])).toEqual([
      ['p-li', 'org-1', '2026-12-08', 83, 'indicated'],
      ['p-zhao', 'org-2', '2026-12-29', 62, 'indicated'],
    ]);
    expect(res.headers['x-total-count']).toBe('2');
    expect(r.nipt).toEqual([
      {
        pregnancy: 'Patient/p-sun|2027-01-10',
        patient: 'p-sun',
        institution: 'hz-nipt-lab',
        kind: 'no-outcome',
        niptOn: '2026-10-15T09:30:00+08:00',
        edd: '2027-01-10',
        dueBy: '2027-02-21',
      },
    ]);
    expect(res.headers['x-nipt-total-count']).toBe('1');
    const events = await store.audit.listFollowUpEvents({ from: '2026-12-01T00:00:00Z', to: '2026-12-31T00:00:00Z' });
    expect(events.map((e) => [e.patientId, e.kind, e.reference, e.on, e.day])).toEqual([
      ['p-wang', 'referral', 'ServiceRequest/sr-wang', '2026-11-03T10:00:00+08:00', '2026-11-03'],
      ['p-wang', 'procedure', 'Procedure/amnio-wang', '2026-11-20', '2026-11-20'],
      ['p-wang', 'result', 'DiagnosticReport/karyo-wang', '2026-12-05', '2026-12-05'],
      ['p-zhao', 'nipt-low-risk', 'Observation/nipt-zhao', '2026-10-12', '2026-10-12'],
    ]);
    expect(events[2]).toMatchObject({ detail: 'karyotype', institution: 'zj-pd-center', institutionId: 'org-1' });
  });

  it('an institution token reads its own institution only: 403 for another', async () => {
    const own = await get(app, {}, ORG_1_TOKEN);
    expect(own.status).toBe(200);
    expect((own.body as FollowUpReport).rows.map((x) => x.key)).toEqual(['org-1']);
    const other = await get(app, { institution: 'org-2' }, ORG_1_TOKEN);
    expect(other.status).toBe(403);
    expect((await get(app, {}, 'not-a-token-0123456789')).status).toBe(401);
  });

  it('CSV carries the same rows and lists as JSON', async () => {
    const json = (await get(app, { groupBy: 'month' })).body as FollowUpReport;
    const csv = async (section: string) => {
      const res = await get(app, { groupBy: 'month', format: 'csv', section });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      return parseCsv(res.text).records.map((r) => [...r.fields]);
    };
    const text = (v: unknown) => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join(';') : String(v));
    const rows = await csv('rows');
    expect(rows[0]).toEqual([...FOLLOW_UP_ROW_COLUMNS]);
    expect(rows.slice(1)).toEqual([...json.rows, { key: 'total', ...json.total }].map((r) => FOLLOW_UP_ROW_COLUMNS.map((k) => text(r[k]))));
    const undiagnosed = await csv('undiagnosed');
    expect(undiagnosed[0]).toEqual([...UNDIAGNOSED_COLUMNS]);
    expect(undiagnosed.slice(1)).toEqual(json.undiagnosed.map((u) => UNDIAGNOSED_COLUMNS.map((k) => text(u[k]))));
    const nipt = await csv('nipt');
    expect(nipt[0]).toEqual([...NIPT_COLUMNS]);
    expect(nipt.slice(1)).toEqual(json.nipt.map((n) => NIPT_COLUMNS.map((k) => text(n[k]))));
    expect(json.rows.map((x) => x.key)).toEqual(['2026-11', '2026-12']);
  });

  it('limit and offset page the lists; X-Total-Count keeps the whole count', async () => {
    const res = await get(app, { limit: '1', offset: '1' });
    expect((res.body as FollowUpReport).undiagnosed.map((u) => u.patient)).toEqual(['p-zhao']);
    expect(res.headers['x-total-count']).toBe('2');
  });

  it('answers the same from the per-pregnancy summary once it is built — both groupings, the institution token, the NIPT list — and then from it (docs/design.md#qc-summary)', async () => {
    const views = async () => [
      ...(await Promise.all(['institution', 'month'].map(async (groupBy) => (await get(app, { groupBy })).body as FollowUpReport))),
      (await get(app, {}, ORG_1_TOKEN)).body as FollowUpReport,
    ];
    const fromRows = await views();
    await buildSummary(store.audit);
    expect(await views()).toEqual(fromRows);
    // Answered from the summary: without org-1's stored funnel facts, org-1's token sees an empty funnel (the rows are all still there).
    await store.sql.query("DELETE FROM qc_follow_up_facts WHERE scope = 'org-1'");
    const withoutFacts = (await get(app, {}, ORG_1_TOKEN)).body as FollowUpReport;
    expect(fromRows.at(-1)!.total.indicated).toBeGreaterThan(0);
    expect(withoutFacts.total.indicated).toBe(0);
    expect(withoutFacts.undiagnosed).toEqual([]);
  });

  it.each([
    [{ groupBy: 'rule' }, 'groupBy'],
    [{ section: 'cases' }, 'section'],
    [{ to: '2026-09-01' }, 'to'],
    [{ from: '2026-02-30' }, 'from'],
    [{ status: 'missing' }, ''],
  ])('400 invalid-query for %j', async (query, path) => {
    const res = await get(app, query as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.body.issue[0].details.coding[0].code).toBe('invalid-query');
    if (path) expect(res.body.issue.map((i: { expression?: string[] }) => i.expression?.[0])).toContain(path);
  });
});
