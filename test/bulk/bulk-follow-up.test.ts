import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBulkAudit } from '../../src/bulk/audit-format.js';
import { bulkAuditCommand } from '../../src/cli/bulk-audit-command.js';
import type { CliIo } from '../../src/cli/io.js';
import { loadConfig } from '../../src/config/load.js';
import { runBulkAudit } from '../../src/bulk/io-run.js';
import { instantDay } from '../../src/calendar/index.js';
import { readContext } from '../../src/clinical/data-elements/context.js';
import { followUpEvents } from '../../src/clinical/data-elements/follow-up-events.js';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { derivePregnancyFacts } from '../../src/clinical/pregnancy/derive-facts.js';
import { clinicalNowAt, fixedClock } from '../../src/clock.js';
import { parseCsv } from '../../src/csv/index.js';
import { createSnapshot } from '../../src/fhir/snapshot.js';
import { FOLLOW_UP_ROW_COLUMNS, NIPT_COLUMNS, UNDIAGNOSED_COLUMNS } from '../../src/qc/follow-up-csv.js';
import type { FollowUpReport } from '../../src/qc/follow-up-types.js';
import { createStore, type OpenedStore } from '../../src/store/create-store.js';
import type { HookCallRecord } from '../../src/store/records.js';
import { buildHarness } from '../support/app-fixture.js';
import { COHORT, COHORT_AS_OF, COHORT_FUNNEL, type CohortWoman } from './follow-up-cohort.js';
import { generateExport } from './generate-export.js';

/**
 * The bulk audit computes the follow-up funnel (docs/design.md#follow-up) from an NDJSON export with
 * the same pure functions as `GET /qc/follow-up`: a generated export with a known funnel (each stage
 * missing in turn, a high-risk NIPT without diagnosis, an NIPT without outcome, a woman with two
 * pregnancies: ./follow-up-cohort.ts) gives exactly the known counts and lists, in JSON, CSV and the
 * table; the same women replayed as the hook calls of their visits, written to the audit store as
 * the referral service writes them, give the same funnel through the API. As of 2025-06-01,
 * Asia/Shanghai.
 */
const TZ = 'Asia/Shanghai';
const now = clinicalNowAt(new Date(`${COHORT_AS_OF}T04:00:00Z`), TZ);
const root = mkdtempSync(join(tmpdir(), 'bulk-follow-up-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const undiagnosedOf = (r: FollowUpReport) =>
  r.undiagnosed.map((u) => [u.patient, u.pregnancy, u.institution, u.reason, u.diagnosisDueBy, u.overdueDays, u.stage]);
const niptOf = (r: FollowUpReport) => r.nipt.map((n) => [n.patient, n.pregnancy, n.kind, n.niptOn, n.edd, n.dueBy]);

describe('bulk-audit: the follow-up funnel of a generated export', () => {
  const generated = 120;
  const dir = join(root, 'export');
  const expected = generateExport(dir, generated, { followUp: true });
  let report: Awaited<ReturnType<typeof runBulkAudit>>;
  beforeAll(async () => {
    report = await runBulkAudit({ dir, policy: DEFAULT_POLICY, now, deadlineDays: 7, bucketBytes: 4096 });
  });

  it('the generated women add indicated and notified only; the cohort its known stages', () => {
    const f = report.followUp!;
    expect(report.totals).toMatchObject({ patients: expected.patients, indicated: expected.indicated, withNotice: expected.withNotice });
    // The funnel's indicated and notified are the bulk compliance's (the same statuses).
    expect(f.total).toEqual({
      ...COHORT_FUNNEL.total,
      indicated: expected.indicated,
      notified: expected.withNotice,
    });
    const generatedRow = f.rows.find((r) => r.key === 'unknown');
    expect(generatedRow).toMatchObject({ indicated: expected.indicated - 8, referred: 0, procedure: 0, result: 0, outcome: 0 });
    expect(f.rows.filter((r) => r.key !== 'unknown')).toEqual(COHORT_FUNNEL.rows);
    expect(f.to).toBe(COHORT_AS_OF);
  });

  it('the undiagnosed and NIPT lists of the cohort, most urgent first', () => {
    const f = report.followUp!;
    const cohort = new Set(COHORT.map((w) => w.id));
    expect(undiagnosedOf(f).filter((u) => cohort.has(u[0] as string))).toEqual(COHORT_FUNNEL.undiagnosed);
    // Every generated indicated woman is undiagnosed too (her record has no prenatal diagnosis).
    expect(f.undiagnosed).toHaveLength(expected.indicated - 8 + COHORT_FUNNEL.undiagnosed.length);
    expect(niptOf(f)).toEqual(COHORT_FUNNEL.nipt);
  });

  it('CSV sections with the API CSV columns and the ";" list separator; the table summarises the funnel', () => {
    const f = report.followUp!;
    const csv = (section: 'rows' | 'undiagnosed' | 'nipt') =>
      parseCsv(formatBulkAudit(report, 'csv', section)).records.map((r) => [...r.fields]);
    const rows = csv('rows');
    expect(rows[0]).toEqual([...FOLLOW_UP_ROW_COLUMNS]);
    expect(rows.at(-1)).toEqual(['total', ...FOLLOW_UP_ROW_COLUMNS.slice(1).map((k) => String(f.total[k as keyof typeof f.total]))]);
    const undiagnosed = csv('undiagnosed');
    expect(undiagnosed[0]).toEqual([...UNDIAGNOSED_COLUMNS]);
    expect(undiagnosed).toHaveLength(f.undiagnosed.length + 1);
    const twoRules = f.undiagnosed.findIndex((u) => u.rules.length === 2);
    expect(undiagnosed[twoRules + 1]![UNDIAGNOSED_COLUMNS.indexOf('rules')]).toBe(f.undiagnosed[twoRules]!.rules.join(';'));
    expect(csv('nipt')[0]).toEqual([...NIPT_COLUMNS]);
    expect(
      csv('nipt')
        .slice(1)
        .map((n) => n[NIPT_COLUMNS.indexOf('kind')]),
    ).toEqual(['high-risk-undiagnosed', 'no-outcome']);
    // The default section is still the missing-notice list.
    expect(formatBulkAudit(report, 'csv').split('\r\n')[0]).toBe(
      '\uFEFFpatient,mrn,pregnancyKey,rules,firstEvidenceDate,pregnancy,edd,dueBy,status',
    );
    expect(JSON.parse(formatBulkAudit(report, 'json')).followUp).toEqual(f);
    const table = formatBulkAudit(report, 'table');
    // The command line's own text of the funnel (src/qc/follow-up-table.ts).
    expect(table).toContain(`follow-up ${f.from} .. ${COHORT_AS_OF} by institution (today ${COHORT_AS_OF})`);
    expect(table).toMatch(/org-2\s+5\s+3\s+0\s+0\s+0\s+0\s+3\s+3\s+3\s+3\n/);
    expect(table.indexOf('org-2 ')).toBeLessThan(table.indexOf('org-10 '));
    expect(table).toMatch(
      /p-fu-sun-qing\s+hz-nipt-lab\s+nipt-high-risk\s+2024-10-08\s+236\s+outcome\s+Patient\/p-fu-sun-qing\|2025-04-01\n/,
    );
    expect(table).toMatch(/NIPT follow-up \(Art. 29\):\npatient\s+institution\s+kind\s+NIPT on\s+EDD\s+due by\s+pregnancy\n/);
  });
});

/** The cohort's own export (no generated women). */
let cohortDir: string | undefined;
function cohortExport(): string {
  if (cohortDir) return cohortDir;
  cohortDir = join(root, 'cohort');
  generateExport(cohortDir, 0, { followUp: true });
  return cohortDir;
}

describe('npm run qc -- bulk-audit: the funnel options', () => {
  const config = loadConfig({ CLINIC_TIMEZONE: TZ });
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { env: {}, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), stderrIsTty: false };
    const code = await bulkAuditCommand(args, io, config);
    return { code, out: out.join(''), err: err.join('') };
  };

  it('--from/--to choose the period of the indications; --group-by month; --section picks the CSV', async () => {
    const dir = cohortExport();
    const base = [dir, '--as-of', COHORT_AS_OF, '--format', 'csv'];
    const rows = await run([...base, '--section', 'rows', '--group-by', 'month', '--from', '2025-04-01', '--to', '2025-04-30']);
    expect(rows.code).toBe(0);
    // Only 周洁 (04-01) and 杨雪 (04-20) were indicated in April.
    expect(parseCsv(rows.out).records.map((r) => [...r.fields].slice(0, 3))).toEqual([
      ['key', 'indicated', 'notified'],
      ['2025-04', '2', '1'],
      ['total', '2', '1'],
    ]);
    const nipt = await run([...base, '--section', 'nipt']);
    expect(parseCsv(nipt.out).records.map((r) => r.fields[0])).toEqual(['pregnancy', ...COHORT_FUNNEL.nipt.map((n) => n[1])]);
  });

  it.each([
    [['--section', 'cases']],
    [['--group-by', 'rule']],
    [['--from', '2025-02-30']],
    [['--from', '2025-05-01', '--to', '2025-04-01']],
  ])('usage error for %j', async (args) => {
    const r = await run([join(root, 'anywhere'), ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage: prenatal-cds bulk-audit');
  });
});

const ISSUER = 'https://ehr.zj-hospital.example';
const PROVINCE = 'province-token-0123456789';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * One woman's visits as the referral service records them: a patient-view call on every day the EHR
 * recorded something of hers (and on the as-of day), each seeing the record as it stood that day —
 * the call's pregnancy key and best EDD (derivePregnancyFacts), the follow-up events
 * (followUpEvents); the indication's `ama` finding and its notice on the indication day; on the day
 * her notice Communication was sent, a call that re-links the stored notice it names.
 */
function visitsOf(w: CohortWoman): HookCallRecord[] {
  const days = [...new Set([...w.records.map((r) => r.day), ...(w.indicated ? [w.indicated.day] : []), COHORT_AS_OF])].sort();
  const noticeId = randomUUID();
  return days.map((day) => {
    const at = clinicalNowAt(new Date(`${day}T02:00:00Z`), TZ);
    const resources: Resource[] = [w.patient, ...w.records.filter((r) => r.day <= day).map((r) => r.resource)];
    const snapshot = createSnapshot({ patientId: w.id, resources });
    const facts = derivePregnancyFacts(snapshot, DEFAULT_POLICY, at);
    const key = { ...(facts.pregnancyKey ? { pregnancyKey: facts.pregnancyKey } : {}), ...(facts.edd ? { edd: facts.edd.date } : {}) };
    const indicatedNow = w.indicated?.day === day;
    return {
      hookInstance: randomUUID(),
      serviceId: 'prenatal-diagnosis-referral',
      hook: 'patient-view',
      receivedAt: at.instant,
      issuer: ISSUER,
      institutionId: w.org,
      patientId: w.id,
      ...key,
      status: 200,
      latencyMs: 12,
      findings: indicatedNow
        ? [{ rule: 'ama', citation: '浙江省产前诊断管理办法 第二十四条', evidence: [`Patient/${w.id}`], params: {} }]
        : [],
      cards: [],
      ruleErrors: [],
      followUp: followUpEvents(readContext(snapshot, DEFAULT_POLICY, at)),
      ...(indicatedNow && w.noticeDay
        ? {
            notice: {
              id: noticeId,
              createdAt: at.instant,
              hash: sha(noticeId),
              patientId: w.id,
              institutionId: w.org,
              ...key,
              rules: ['ama'],
              content: { rules: ['ama'] },
            },
          }
        : {}),
      ...(w.noticeDay === day
        ? {
            noticeLink: {
              id: randomUUID(),
              noticeId,
              tokenHash: sha(`link-${noticeId}`),
              issuedAt: at.instant,
              expiresAt: new Date(Date.parse(at.instant) + 30 * 86_400_000).toISOString(),
              reissue: true,
              patientId: w.id,
            },
          }
        : {}),
    };
  });
}

describe('the same definitions: the bulk audit and GET /qc/follow-up over the same women', () => {
  let store: OpenedStore;
  afterAll(async () => store?.close());

  it('rows, total, the undiagnosed and the NIPT lists are the same', async () => {
    const bulk = (await runBulkAudit({ dir: cohortExport(), policy: DEFAULT_POLICY, now, deadlineDays: 7 })).followUp!;
    expect(bulk.from).toBe(COHORT_FUNNEL.from);
    expect(bulk.total).toEqual(COHORT_FUNNEL.total);

    store = await createStore({ databaseUrl: undefined, dataDir: 'memory://' });
    for (const w of COHORT) for (const call of visitsOf(w)) await store.audit.recordHookCall(call);
    const { app } = buildHarness({
      env: { QC_TOKENS: JSON.stringify({ [PROVINCE]: { role: 'province', seesMrn: true } }), CLINIC_TIMEZONE: TZ },
      deps: { audit: store.audit, clock: fixedClock(now.instant, TZ) },
    });
    const res = await request(app)
      .get('/qc/follow-up')
      .query({ from: bulk.from, to: bulk.to, limit: '1000' })
      .set('Authorization', `Bearer ${PROVINCE}`);
    expect(res.status).toBe(200);
    const api = res.body as FollowUpReport;
    expect(api.rows).toEqual(bulk.rows);
    expect(api.total).toEqual(bulk.total);
    // The export knows the indication's day, a hook call its instant: compared as clinic days.
    const day = (r: FollowUpReport) =>
      r.undiagnosed.map((u) => ({ ...u, indicatedAt: u.indicatedAt.length > 10 ? instantDay(u.indicatedAt, TZ) : u.indicatedAt }));
    expect(day(api)).toEqual(day(bulk));
    expect(api.nipt).toEqual(bulk.nipt);
    expect(undiagnosedOf(api)).toEqual(COHORT_FUNNEL.undiagnosed);
    expect(niptOf(api)).toEqual(COHORT_FUNNEL.nipt);
  }, 90_000);
});
