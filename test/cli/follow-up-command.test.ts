import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/calendar/index.js';
import { FOLLOW_UP_ROW_COLUMNS, UNDIAGNOSED_COLUMNS } from '../../src/qc/follow-up-csv.js';
import { followUpCommand } from '../../src/cli/follow-up-command.js';
import type { CliIo } from '../../src/cli/io.js';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/load.js';
import { parseCsv } from '../../src/csv/index.js';
import type { FollowUpReport } from '../../src/qc/follow-up-types.js';
import { createStore } from '../../src/store/create-store.js';
import type { HookCallRecord } from '../../src/store/records.js';

/**
 * `npm run qc -- follow-up` (docs/design.md#follow-up), called in process against a PGlite DATA_DIR:
 * the funnel rows in natural order, the undiagnosed list, CSV sections with the API's columns, usage
 * errors. The command reads the wall clock, so the calls are dated relative to the clinic's today
 * (Asia/Shanghai) and every expected day is computed from it.
 */
const TZ = 'Asia/Shanghai';
const root = mkdtempSync(join(tmpdir(), 'cli-follow-up-'));
const config = loadConfig({ DATA_DIR: join(root, 'data'), CLINIC_TIMEZONE: TZ, LOG_LEVEL: 'silent' });
const today = systemClock(TZ).now().today;
const day = (n: number) => addDays(today, n);
const from = day(-60);

function call(at: string, org: string, patient: string, edd: string, extra: Partial<HookCallRecord> = {}): HookCallRecord {
  return {
    hookInstance: randomUUID(),
    serviceId: 'prenatal-diagnosis-referral',
    hook: 'patient-view',
    receivedAt: `${at}T02:00:00Z`,
    issuer: 'https://ehr.zj-hospital.example',
    institutionId: org,
    patientId: patient,
    pregnancyKey: `Patient/${patient}|${edd}`,
    edd,
    status: 200,
    latencyMs: 8,
    findings: [],
    cards: [],
    ruleErrors: [],
    ...extra,
  };
}
const ama = { findings: [{ rule: 'ama', citation: '浙江省产前诊断管理办法 第二十四条', evidence: [], params: {} }] };

/** 钱红 (org-10) indicated 40 days ago, then amniocentesis and karyotype; 孙梅 (org-2) indicated 30 days ago, nothing since. */
beforeAll(async () => {
  const store = await createStore(config);
  try {
    const eddQian = day(150);
    await store.audit.recordHookCall(call(day(-40), 'org-10', 'p-qian-hong', eddQian, ama));
    await store.audit.recordHookCall(
      call(day(-5), 'org-10', 'p-qian-hong', eddQian, {
        followUp: [
          { kind: 'procedure', reference: 'Procedure/amnio-qian', on: day(-20), day: day(-20), detail: 'amniocentesis' },
          { kind: 'result', reference: 'DiagnosticReport/karyo-qian', on: day(-8), day: day(-8), detail: 'karyotype' },
        ],
      }),
    );
    await store.audit.recordHookCall(call(day(-30), 'org-2', 'p-sun-mei', day(160), ama));
  } finally {
    await store.close();
  }
}, 90_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { env: {}, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), stderrIsTty: false };
  const code = await followUpCommand(args, io, config);
  return { code, out: out.join(''), err: err.join('') };
}

describe('npm run qc -- follow-up', () => {
  it('JSON: the API body, rows in natural order, the undiagnosed case due 28 days after its indication', async () => {
    const r = await run(['--from', from, '--to', today, '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as FollowUpReport;
    expect(report).toMatchObject({ from, to: today, groupBy: 'institution', today });
    expect(report.rows.map((x) => [x.key, x.indicated, x.procedure, x.result])).toEqual([
      ['org-2', 1, 0, 0],
      ['org-10', 1, 1, 1],
    ]);
    expect(report.undiagnosed.map((u) => [u.patient, u.diagnosisDueBy, u.overdueDays, u.stage])).toEqual([
      ['p-sun-mei', day(-2), 2, 'indicated'],
    ]);
  });

  it('the table and the CSV sections carry the same figures', async () => {
    const table = await run(['--from', from, '--to', today]);
    expect(table.code).toBe(0);
    expect(table.out).toContain(`follow-up ${from} .. ${today} by institution (today ${today})`);
    expect(table.out.indexOf('org-2 ')).toBeLessThan(table.out.indexOf('org-10 '));
    expect(table.out).toMatch(/p-sun-mei\s+org-2\s+indicated/);
    const rows = parseCsv((await run(['--from', from, '--to', today, '--format', 'csv'])).out).records.map((x) => [...x.fields]);
    expect(rows[0]).toEqual([...FOLLOW_UP_ROW_COLUMNS]);
    expect(rows.map((x) => x[0])).toEqual(['key', 'org-2', 'org-10', 'total']);
    const csv = await run(['--from', from, '--to', today, '--format', 'csv', '--section', 'undiagnosed']);
    const list = parseCsv(csv.out).records.map((x) => [...x.fields]);
    expect(list[0]).toEqual([...UNDIAGNOSED_COLUMNS]);
    expect(list.slice(1).map((x) => x[UNDIAGNOSED_COLUMNS.indexOf('rules')])).toEqual(['ama']);
    const months = JSON.parse(
      (await run(['--from', from, '--to', today, '--group-by', 'month', '--format', 'json'])).out,
    ) as FollowUpReport;
    expect(months.total.indicated).toBe(2);
  });

  it.each([
    [['--to', today], '--from'],
    [['--from', from, '--to', today, '--group-by', 'rule'], '--group-by'],
    [['--from', from, '--to', today, '--format', 'xml'], '--format'],
    [['--from', from, '--to', today, '--section', 'cases'], '--section'],
    [['--from', from, '--to', today, '--bogus'], 'bogus'],
  ])('usage error (exit 2) for %j, naming %s', async (args, named) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(named);
    expect(r.err).toContain('usage: prenatal-cds follow-up');
    expect(r.out).toBe('');
  });
});
