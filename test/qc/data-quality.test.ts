import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { PregnancyFacts } from '../../src/clinical/finding-params.js';
import type { Rule } from '../../src/engine/rule.js';
import { parseCsv as readCsv } from '../../src/csv/index.js';
import type { DataQualityReport } from '../../src/qc/data-quality.js';
import { ITEM_COLUMNS } from '../../src/qc/data-quality-csv.js';
import { REFERRAL_RULES } from '../../src/referral/rules/index.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { createServices } from '../../src/services.js';
import { createStore, type OpenedStore } from '../../src/store/create-store.js';
import type { HookCallRecord } from '../../src/store/records.js';
import { buildE2eApp, example } from '../e2e/support/e2e-app.js';
import { buildHarness } from '../support/app-fixture.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { createDatabase } from '../store/postgres-target.js';

/**
 * `GET /qc/data-quality` (docs/design.md#data-quality): undecided outcomes and rule errors per
 * institution and rule, with the list, on both engines; a rule that throws in a real hook call
 * shows up there.
 */
const parseCsv = (text: string): string[][] => readCsv(text).records.map((r) => [...r.fields]);
const PROVINCE = 'province-token-0123456789';
const ORG_2_TOKEN = 'org-2-token-0123456789abc';
// The province token may see patient ids (docs/design.md#patient-identity): the items are compared by id.
const QC_TOKENS = JSON.stringify({
  [PROVINCE]: { role: 'province', seesMrn: true },
  [ORG_2_TOKEN]: { role: 'institution', institution: 'org-2' },
});
const ENV = { QC_TOKENS, CLINIC_TIMEZONE: 'Asia/Shanghai' };

const undecided = (rule: string, reason: string, evidence: string[]) => ({
  rule,
  ruleVersion: '1.0.0',
  citation: 'ZJ-2023 Art.24',
  reason,
  evidence,
});
const ruleError = (rule: string, errorClass: string) => ({
  rule,
  ruleVersion: '1.0.0',
  citation: 'ZJ-2023 Art.24',
  cause: `Cannot read '王芳'`,
  errorClass,
});

/** A hook call of the referral service with its undecided outcomes and rule errors. */
function call(receivedAt: string, institutionId: string | undefined, patientId: string, extra: Partial<HookCallRecord>): HookCallRecord {
  return {
    hookInstance: randomUUID(),
    serviceId: 'prenatal-diagnosis-referral',
    hook: 'patient-view',
    receivedAt,
    clinicalToday: receivedAt.slice(0, 10),
    clinicTimeZone: 'Asia/Shanghai',
    issuer: 'https://ehr.example.cn/',
    ...(institutionId ? { institutionId } : {}),
    patientId,
    status: 200,
    latencyMs: 5,
    findings: [],
    cards: [],
    ruleErrors: [],
    undecided: [],
    ...extra,
  };
}

/**
 * Calls on 2027-01-10..12 (Asia/Shanghai): org-1 two undecided (ama, amniotic-fluid) in one call and
 * one rule error (teratogen-exposure) in another; org-2 one undecided (ama) and one rule error (ama)
 * in one call; a call with no institution, one undecided. Outside the period: 2027-01-09 23:30 in
 * Shanghai (15:30Z) and 2027-01-13 00:10 in Shanghai (2027-01-12T16:10Z).
 */
const SCENARIO: HookCallRecord[] = [
  call('2027-01-10T02:00:00.000Z', 'org-1', 'p-li-1', {
    undecided: [
      undecided('ama', 'birthDate 1992 is partial', ['Patient/p-li-1']),
      undecided('amniotic-fluid', 'unit (none)', ['Observation/afi-1']),
    ],
  }),
  call('2027-01-11T03:00:00.000Z', 'org-1', 'p-li-2', { ruleErrors: [ruleError('teratogen-exposure', 'TypeError')] }),
  call('2027-01-12T04:00:00.000Z', 'org-2', 'p-wang-1', {
    undecided: [undecided('ama', 'birthDate 1991-06 is partial', ['Patient/p-wang-1'])],
    ruleErrors: [ruleError('ama', 'RangeError')],
  }),
  call('2027-01-12T05:00:00.000Z', undefined, 'p-zhao-1', {
    undecided: [undecided('fetal-anomaly', 'NT without unit', ['Observation/nt-1'])],
  }),
  call('2027-01-09T15:30:00.000Z', 'org-1', 'p-early', { ruleErrors: [ruleError('ama', 'TypeError')] }),
  call('2027-01-12T16:10:00.000Z', 'org-1', 'p-late', { ruleErrors: [ruleError('ama', 'TypeError')] }),
];
const PERIOD = { from: '2027-01-10', to: '2027-01-12' };

async function get(app: ReturnType<typeof createApp>, query: Record<string, string>, token = PROVINCE) {
  return request(app)
    .get('/qc/data-quality')
    .query({ ...PERIOD, ...query })
    .set('Authorization', `Bearer ${token}`);
}

function engineSuite(name: string, open: () => Promise<OpenedStore>) {
  describe(`GET /qc/data-quality on ${name}`, () => {
    let store: OpenedStore;
    let app: ReturnType<typeof createApp>;
    beforeAll(async () => {
      store = await open();
      for (const rec of SCENARIO) await store.audit.recordHookCall(rec);
      app = buildHarness({ env: ENV, deps: { audit: store.audit } }).app;
    }, 90_000);
    afterAll(async () => store?.close());

    it('counts per institution, with the list (oldest first), for the calendar days of the period in the clinic zone', async () => {
      const res = await get(app, {});
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const r = res.body as DataQualityReport;
      expect(r.rows).toEqual([
        { key: 'org-1', undecided: 2, ruleErrors: 1, calls: 2 },
        { key: 'org-2', undecided: 1, ruleErrors: 1, calls: 1 },
        { key: 'unknown', undecided: 1, ruleErrors: 0, calls: 1 },
      ]);
      expect(r.total).toEqual({ undecided: 4, ruleErrors: 2, calls: 4 });
      expect(r.items.map((i) => [i.kind, i.institution, i.patient, i.rule])).toEqual([
        ['undecided', 'org-1', 'p-li-1', 'ama'],
        ['undecided', 'org-1', 'p-li-1', 'amniotic-fluid'],
        ['rule-error', 'org-1', 'p-li-2', 'teratogen-exposure'],
        ['undecided', 'org-2', 'p-wang-1', 'ama'],
        ['rule-error', 'org-2', 'p-wang-1', 'ama'],
        ['undecided', null, 'p-zhao-1', 'fetal-anomaly'],
      ]);
      expect(r.items[2]).toMatchObject({ reason: 'rule-error: TypeError', ruleVersion: '1.0.0', evidence: [] });
      expect(r.items[0]).toMatchObject({ reason: 'birthDate 1992 is partial', evidence: ['Patient/p-li-1'] });
      // A rule error's message may quote record data: it stays in the audit.
      expect(JSON.stringify(r)).not.toContain('王芳');
    });

    it('per rule', async () => {
      const r = (await get(app, { groupBy: 'rule' })).body as DataQualityReport;
      expect(r.rows).toEqual([
        { key: 'ama', undecided: 2, ruleErrors: 1, calls: 2 },
        { key: 'amniotic-fluid', undecided: 1, ruleErrors: 0, calls: 1 },
        { key: 'fetal-anomaly', undecided: 1, ruleErrors: 0, calls: 1 },
        { key: 'teratogen-exposure', undecided: 0, ruleErrors: 1, calls: 1 },
      ]);
    });

    it('an institution token sees its own institution only; another institution is 403', async () => {
      const r = (await get(app, {}, ORG_2_TOKEN)).body as DataQualityReport;
      expect(r.rows).toEqual([{ key: 'org-2', undecided: 1, ruleErrors: 1, calls: 1 }]);
      expect(new Set(r.items.map((i) => i.institution))).toEqual(new Set(['org-2']));
      expect((await get(app, { institution: 'org-1' }, ORG_2_TOKEN)).status).toBe(403);
      expect((await get(app, {}, 'not-a-configured-token-000')).status).toBe(401);
    });

    it('CSV = JSON: the item list and the rows, BOM, same values; kind filters the list only', async () => {
      const json = (await get(app, { kind: 'rule-error' })).body as DataQualityReport;
      expect(json.items.map((i) => i.rule)).toEqual(['teratogen-exposure', 'ama']);
      expect(json.total.undecided).toBe(4);
      const csv = await get(app, { kind: 'rule-error', format: 'csv' });
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.text.startsWith('\uFEFF')).toBe(true);
      const [header, ...rows] = parseCsv(csv.text);
      expect(header).toEqual([...ITEM_COLUMNS]);
      expect(rows.map((row) => row[ITEM_COLUMNS.indexOf('rule')])).toEqual(['teratogen-exposure', 'ama']);
      expect(rows[0]![ITEM_COLUMNS.indexOf('hookCall')]).toBe(json.items[0]!.hookCall);
      const rowsCsv = parseCsv((await get(app, { format: 'csv', section: 'rows' })).text);
      expect(rowsCsv).toEqual([
        ['key', 'undecided', 'ruleErrors', 'calls'],
        ['org-1', '2', '1', '2'],
        ['org-2', '1', '1', '1'],
        ['unknown', '1', '0', '1'],
        ['total', '4', '2', '4'],
      ]);
    });

    it('refuses an unknown parameter or groupBy', async () => {
      expect((await get(app, { groupBy: 'practitioner' })).status).toBe(400);
      expect((await get(app, { typo: '1' })).status).toBe(400);
    });
  });
}

engineSuite('PGlite', () => createStore({ databaseUrl: undefined, dataDir: 'memory://' }));

const skipReason = postgresSkipReason('test/qc/data-quality');
describe.skipIf(Boolean(skipReason))(`PostgreSQL server${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 90_000);
  afterAll(() => server?.stop());
  engineSuite('a PostgreSQL server', async () => createStore({ databaseUrl: await createDatabase(server!), dataDir: '/nonexistent' }));
});

describe('a rule that throws in a real hook call is counted', () => {
  it('the call through HTTP, then GET /qc/data-quality lists its rule error per rule and institution', async () => {
    const store = await createStore({ databaseUrl: undefined, dataDir: 'memory://' });
    try {
      const base = buildE2eApp({ env: ENV });
      const rules: Rule<PregnancyFacts>[] = REFERRAL_RULES.map((r) =>
        r.id === 'ama'
          ? {
              ...r,
              evaluate: () => {
                throw new TypeError('boom');
              },
            }
          : r,
      );
      const services = createServices({
        policy: base.deps.config.policy,
        locale: base.deps.config.locale,
        newId: randomUUID,
        publicBaseUrl: base.deps.config.publicBaseUrl,
        registry: new MemoryRegistryStore(),
        referralRules: rules,
      });
      const app = createApp({
        ...base.deps,
        services,
        audit: store.audit,
        notices: store.audit,
        recordHookCall: async (rec) => {
          await store.audit.recordHookCall(rec);
        },
      });
      const body = example('prenatal-diagnosis-referral');
      await request(app).post('/cds-services/prenatal-diagnosis-referral').set('Content-Type', 'application/json').send(body).expect(200);
      const res = await request(app)
        .get('/qc/data-quality')
        .query({ from: '2026-11-23', to: '2026-11-23', groupBy: 'rule' })
        .set('Authorization', `Bearer ${PROVINCE}`);
      expect(res.status).toBe(200);
      const r = res.body as DataQualityReport;
      expect(r.rows).toEqual([{ key: 'ama', undecided: 0, ruleErrors: 1, calls: 1 }]);
      expect(r.items).toEqual([
        expect.objectContaining({ kind: 'rule-error', rule: 'ama', reason: 'rule-error: TypeError', patient: 'p-zhang-li-1989' }),
      ]);
    } finally {
      await store.close();
    }
  });
});
