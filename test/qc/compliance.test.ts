import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type OpenedStore } from '../../src/store/create-store.js';
import type { ComplianceCase, ComplianceReport } from '../../src/qc/compliance-types.js';
import { CASE_COLUMNS, ROW_COLUMNS } from '../../src/qc/csv.js';
import { buildHarness, type Harness } from '../support/app-fixture.js';
import { EXPECTED, ORG_2, PERIOD, recordScenario } from './scenario.js';
import { buildSummary } from '../store/audit-fixtures.js';

const PROVINCE = 'province-token-0123456789';
const ORG_2_TOKEN = 'org-2-token-0123456789abc';
// The province token may see patient ids (docs/design.md#patient-identity): the cases are compared by id.
const QC_TOKENS = JSON.stringify({
  [PROVINCE]: { role: 'province', seesMrn: true },
  [ORG_2_TOKEN]: { role: 'institution', institution: ORG_2 },
});

let store: OpenedStore;
let h: Harness;

beforeAll(async () => {
  store = await createStore({ databaseUrl: undefined, dataDir: 'memory://' });
  await recordScenario(store.audit);
  h = buildHarness({ env: { QC_TOKENS, CLINIC_TIMEZONE: 'Asia/Shanghai', NOTICE_DEADLINE_DAYS: '7' }, deps: { audit: store.audit } });
});
afterAll(async () => store?.close());

async function report(query: Record<string, string>, token = PROVINCE): Promise<ComplianceReport> {
  const res = await request(h.app)
    .get('/qc/notification-compliance')
    .query({ ...PERIOD, ...query })
    .set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  return res.body as ComplianceReport;
}

/**
 * Counts of a group read long after every deadline: `due` = `indicated`. `open` are the status
 * counts other than the notified ones (zero unless given).
 */
const counts = (
  indicated: number,
  notified: number,
  notifiedInTime: number,
  open: Partial<Record<'noticeIssued' | 'missing' | 'declined' | 'postponed', number>> = {},
) => ({
  indicated,
  due: indicated,
  notified,
  notifiedInTime,
  rate: notified / indicated,
  inTimeRate: notifiedInTime / indicated,
  pending: 0,
  noticeIssued: open.noticeIssued ?? 0,
  missing: open.missing ?? 0,
  declined: open.declined ?? 0,
  postponed: open.postponed ?? 0,
});

/** Minimal RFC 4180 parser (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe('GET /qc/notification-compliance: arithmetic on a hand-built scenario', () => {
  it('classifies every case: clicked, late, missing, override + acknowledgement, two visits, two pregnancies, declined, postponed, observed', async () => {
    const r = await report({ limit: '1000' });
    expect(Object.keys(r)).toEqual(['from', 'to', 'groupBy', 'rows', 'total', 'cases']);
    expect(Object.fromEntries(r.cases.map((c) => [c.pregnancy, c.status]))).toEqual(EXPECTED);
    expect(r.total).toEqual(counts(13, 8, 6, { noticeIssued: 1, missing: 4, declined: 1, postponed: 1 }));
    const a = r.cases.find((c) => c.pregnancy === 'pA|2026-09-01')!;
    expect(a).toEqual({
      pregnancy: 'pA|2026-09-01',
      patient: 'pA',
      mrn: null,
      // the scenario's keys carry no EDD the service would write (`Patient/<id>|<EDD>`)
      edd: null,
      institution: 'org-1',
      practitioner: 'dr-1',
      rules: ['ama'],
      firstIndicatedAt: '2026-03-02T02:00:00.000Z',
      dueBy: '2026-03-09',
      noticeAt: null,
      noticeIssuedAt: '2026-03-03T02:00:00.000Z',
      acknowledgedAt: null,
      decision: null,
      status: 'notice-issued',
    });
    const f = r.cases.find((c) => c.pregnancy === 'pF|2026-10-05')!;
    expect(f).toMatchObject({
      practitioner: 'dr-1',
      firstIndicatedAt: '2026-04-15T02:00:00.000Z',
      acknowledgedAt: '2026-04-16T02:00:00.000Z',
      decision: 'accepted-referral',
    });
    expect(r.cases.find((c) => c.pregnancy === 'pM|2026-10-20')).toMatchObject({
      decision: 'declined',
      noticeAt: '2026-04-07T02:00:00.000Z',
    });
    expect(r.cases.find((c) => c.pregnancy === 'pN|2026-10-21')).toMatchObject({ decision: 'postponed', dueBy: '2026-04-13' });
    // The later call's observation is the notice time; nothing was signed.
    expect(r.cases.find((c) => c.pregnancy === 'pO|2026-10-22')).toMatchObject({
      noticeAt: '2026-04-11T02:00:00.000Z',
      acknowledgedAt: null,
      decision: null,
    });
    // J: first finding 2026-03-01 in Shanghai (2026-02-28T17:00Z): due by the clinic day 7 days later.
    expect(r.cases.find((c) => c.pregnancy === 'pJ|2026-09-09')!.dueBy).toBe('2026-03-08');
    expect(r.cases.find((c) => c.pregnancy === 'pD|2026-10-01')!.rules).toEqual(['ama', 'teratogen-exposure']);
    expect(r.cases.filter((c) => c.patient === 'pG')).toHaveLength(2);
  });

  it('groups by institution', async () => {
    const r = await report({ groupBy: 'institution' });
    expect(r.groupBy).toBe('institution');
    expect(r.rows).toEqual([
      { key: 'org-1', ...counts(8, 4, 2, { noticeIssued: 1, missing: 3, postponed: 1 }) },
      { key: 'org-2', ...counts(5, 4, 4, { missing: 1, declined: 1 }) },
    ]);
  });

  it('groups by practitioner (the one of the first finding)', async () => {
    const r = await report({ groupBy: 'practitioner' });
    expect(r.rows).toEqual([
      { key: 'dr-1', ...counts(5, 2, 1, { noticeIssued: 1, missing: 2, postponed: 1 }) },
      { key: 'dr-2', ...counts(3, 2, 1, { missing: 1 }) },
      { key: 'dr-3', ...counts(5, 4, 4, { missing: 1, declined: 1 }) },
    ]);
  });

  it('groups by rule (a case with two rules counts in both; the total counts it once)', async () => {
    const r = await report({ groupBy: 'rule' });
    expect(r.rows).toEqual([
      { key: 'ama', ...counts(6, 3, 3, { noticeIssued: 1, missing: 2, declined: 1 }) },
      { key: 'amniotic-fluid', ...counts(2, 2, 0, { postponed: 1 }) },
      { key: 'fetal-anomaly', ...counts(2, 1, 1, { missing: 1 }) },
      { key: 'genetic-family-history', ...counts(1, 1, 1) },
      { key: 'prior-affected-birth', ...counts(1, 1, 1) },
      { key: 'screening-high-risk', ...counts(1, 0, 0, { missing: 1 }) },
      { key: 'teratogen-exposure', ...counts(1, 1, 1) },
    ]);
    expect(r.total.indicated).toBe(13);
  });

  it('groups by month of the first finding in the clinic time zone', async () => {
    const r = await report({ groupBy: 'month' });
    expect(r.rows).toEqual([
      { key: '2026-03', ...counts(6, 3, 2, { noticeIssued: 1, missing: 2 }) },
      { key: '2026-04', ...counts(7, 5, 4, { missing: 2, declined: 1, postponed: 1 }) },
    ]);
  });

  it('rates are null when nothing was indicated', async () => {
    const r = await report({ from: '2025-01-01', to: '2025-01-31' });
    expect(r.rows).toEqual([]);
    expect(r.total).toEqual({
      indicated: 0,
      due: 0,
      notified: 0,
      notifiedInTime: 0,
      rate: null,
      inTimeRate: null,
      pending: 0,
      noticeIssued: 0,
      missing: 0,
      declined: 0,
      postponed: 0,
    });
  });

  it('an institution token sees its own institution only', async () => {
    const r = await report({ limit: '1000' }, ORG_2_TOKEN);
    expect(r.cases.map((c) => c.institution)).toEqual(['org-2', 'org-2', 'org-2', 'org-2', 'org-2']);
    expect(r.total).toEqual(counts(5, 4, 4, { missing: 1, declined: 1 }));
  });

  it('filters cases by status and institution; rows still cover the whole period', async () => {
    const missing = await report({ status: 'missing' });
    expect(missing.cases.map((c) => c.pregnancy).sort()).toEqual(['pC|2026-09-03', 'pE', 'pG|2027-01-20', 'pJ|2026-09-09']);
    expect(missing.total.indicated).toBe(13);
    const issued = await report({ status: 'notice-issued' });
    expect(issued.cases.map((c) => c.pregnancy)).toEqual(['pA|2026-09-01']);
    const org2 = await report({ institution: ORG_2 });
    expect(org2.cases).toHaveLength(5);
  });

  it('pages the cases with limit and offset (X-Total-Count = all matching cases)', async () => {
    const all = (await report({ limit: '1000' })).cases;
    const res = await request(h.app)
      .get('/qc/notification-compliance')
      .query({ ...PERIOD, limit: '3', offset: '2' })
      .set('Authorization', `Bearer ${PROVINCE}`);
    expect(res.headers['x-total-count']).toBe('13');
    expect(res.body.cases).toEqual(all.slice(2, 5));
    const tail = await report({ limit: '3', offset: '11' });
    expect(tail.cases).toEqual(all.slice(11));
    expect((await report({})).cases).toHaveLength(13);
  });

  it('CSV (format=csv or Accept: text/csv) holds exactly the JSON cases', async () => {
    const json = (await report({ limit: '1000' })).cases;
    for (const req of [
      request(h.app)
        .get('/qc/notification-compliance')
        .query({ ...PERIOD, format: 'csv' }),
      request(h.app).get('/qc/notification-compliance').query(PERIOD).set('Accept', 'text/csv'),
    ]) {
      const res = await req
        .set('Authorization', `Bearer ${PROVINCE}`)
        .buffer(true)
        .parse((r, cb) => {
          let s = '';
          r.setEncoding('utf8');
          r.on('data', (d: string) => {
            s += d;
          });
          r.on('end', () => cb(null, s));
        });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
      const text = res.body as string;
      expect(text.charCodeAt(0)).toBe(0xfeff);
      const [header, ...records] = parseCsv(text.slice(1));
      expect(header).toEqual([...CASE_COLUMNS]);
      const parsed: ComplianceCase[] = records.map((r) => {
        const o = Object.fromEntries(header!.map((k, i) => [k, r[i] === '' ? null : r[i]]));
        return { ...o, rules: String(o.rules).split(';') } as unknown as ComplianceCase;
      });
      expect(parsed).toEqual(json);
    }
  });

  it('CSV of the grouped rows with section=rows (total last)', async () => {
    const res = await request(h.app)
      .get('/qc/notification-compliance')
      .query({ ...PERIOD, format: 'csv', section: 'rows' })
      .set('Authorization', `Bearer ${PROVINCE}`)
      .buffer(true)
      .parse((r, cb) => {
        let s = '';
        r.setEncoding('utf8');
        r.on('data', (d: string) => {
          s += d;
        });
        r.on('end', () => cb(null, s));
      });
    const rows = parseCsv((res.body as string).slice(1));
    expect(rows).toEqual([
      [...ROW_COLUMNS],
      ['org-1', '8', '8', '4', '2', '0.5', '0.25', '0', '1', '3', '0', '1'],
      ['org-2', '5', '5', '4', '4', '0.8', '0.8', '0', '0', '1', '1', '0'],
      ['total', '13', '13', '8', '6', String(8 / 13), String(6 / 13), '0', '1', '4', '1', '1'],
    ]);
    // The same figures as the JSON rows.
    const json = await report({});
    expect(rows.slice(1)).toEqual(
      [...json.rows, { key: 'total', ...json.total }].map((r) => ROW_COLUMNS.map((k) => (r[k] === null ? '' : String(r[k])))),
    );
  });

  it.each([
    [{ from: '2026-3-1' }, 'from'],
    [{ from: '2026-02-30' }, 'from'],
    [{ from: '2026-05-01' }, 'to'],
    [{ from: '2020-01-01' }, 'to'],
    [{ groupBy: 'ward' }, 'groupBy'],
    [{ limit: '1001' }, 'limit'],
    [{ limit: '-1' }, 'limit'],
    [{ status: 'overdue' }, 'status'],
    [{ status: 'late' }, 'status'],
    [{ colour: 'red' }, ''],
  ])('400 invalid-query for %o', async (bad, path) => {
    const res = await request(h.app)
      .get('/qc/notification-compliance')
      .query({ ...PERIOD, ...bad })
      .set('Authorization', `Bearer ${PROVINCE}`);
    expect(res.status).toBe(400);
    expect(res.body.issue[0].details.coding[0].code).toBe('invalid-query');
    if (path) expect(res.body.issue.map((i: { expression?: string[] }) => i.expression?.[0])).toContain(path);
  });

  it('a missing from/to is a 400 too', async () => {
    const res = await request(h.app)
      .get('/qc/notification-compliance')
      .query({ from: PERIOD.from })
      .set('Authorization', `Bearer ${PROVINCE}`);
    expect(res.status).toBe(400);
  });

  it('answers the same from the per-pregnancy summary once it is built — every case, every grouping, the institution token — and then from it (docs/design.md#qc-summary)', async () => {
    const views = async () => [
      ...(await Promise.all(['institution', 'practitioner', 'rule', 'month'].map((groupBy) => report({ groupBy })))),
      await report({}, ORG_2_TOKEN),
    ];
    const fromRows = await views();
    await buildSummary(store.audit);
    expect(await views()).toEqual(fromRows);
    // Answered from the summary: without org-2's stored facts, org-2's token sees no case (the rows are all still there).
    await store.sql.query("DELETE FROM qc_case_facts WHERE scope = 'org-2'");
    const withoutFacts = await report({}, ORG_2_TOKEN);
    expect(fromRows.at(-1)!.cases.length).toBeGreaterThan(0);
    expect(withoutFacts.cases).toEqual([]);
  });
});
