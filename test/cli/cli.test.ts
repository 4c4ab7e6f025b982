import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/calendar/index.js';
import { SYSTEMS } from '../../src/clinical/codes.js';
import { createStore } from '../../src/store/create-store.js';
import { acknowledgement, hookCall, notice } from '../store/audit-fixtures.js';
import { runCliChild } from './run-child.js';

/** The `prenatal-cds` command in a child process, against a temp PGlite DATA_DIR. */
const root = mkdtempSync(join(tmpdir(), 'cli-test-'));
const DATA_DIR = join(root, 'data');
const env = { DATA_DIR, CLINIC_TIMEZONE: 'Asia/Shanghai', LOG_LEVEL: 'silent' };
afterAll(() => rmSync(root, { recursive: true, force: true }));

const finding = (rule: string) => ({ rule, citation: 'ZJ-2023 Art.24', evidence: ['Patient/x'], params: {} });

/**
 * Three pregnancies in March 2025: org-1 notified in time, org-1 late, org-2 missing; and one
 * indicated at the wall-clock instant the test starts (the CLI reads the system clock): pending.
 */
const TODAY_AT = new Date().toISOString();
const todayIn = (zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date(TODAY_AT));
beforeAll(async () => {
  const store = await createStore({ dataDir: DATA_DIR, databaseUrl: undefined });
  try {
    const call = (pid: string, org: string, rule: string, at: string, withNotice?: string) => {
      const key = `Patient/${pid}|2025-08-01`;
      const n = withNotice ? notice({ id: withNotice, patientId: pid, pregnancyKey: key, institutionId: org, createdAt: at }) : undefined;
      return store.audit.recordHookCall(
        hookCall({
          patientId: pid,
          pregnancyKey: key,
          institutionId: org,
          practitionerId: `dr-${org}`,
          receivedAt: at,
          findings: [finding(rule)],
          cards: [],
          ruleErrors: [],
          ...(n ? { notice: n } : {}),
        }),
      );
    };
    await call('pa', 'org-1', 'ama', '2025-03-03T02:00:00.000Z', 'n-a');
    await call('pc', 'org-1', 'ama', '2025-03-04T02:00:00.000Z', 'n-c');
    await call('pb', 'org-2', 'amniotic-fluid', '2025-03-10T02:00:00.000Z');
    await call('pd', 'org-2', 'ama', TODAY_AT);
    await store.audit.appendAcknowledgement(
      acknowledgement('n-a', { signedAt: '2025-03-05T02:00:00.000Z', recordedAt: '2025-03-05T02:01:00.000Z' }),
    );
    await store.audit.appendAcknowledgement(
      acknowledgement('n-c', { signedAt: '2025-03-20T02:00:00.000Z', recordedAt: '2025-03-20T02:01:00.000Z' }),
    );
  } finally {
    await store.close();
  }
}, 120_000);

describe('prenatal-cds CLI (child process)', { timeout: 150_000 }, () => {
  it('usage errors exit 2; no command prints the usage', async () => {
    const none = await runCliChild([], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('usage: prenatal-cds compliance');
    expect((await runCliChild(['frobnicate'], env)).stderr).toContain('unknown command "frobnicate"');
    const [a, b, c] = await Promise.all([
      runCliChild(['compliance', '--from', '2025-03-01'], env),
      runCliChild(['compliance', '--from', '2025-03-01', '--to', '2025-03-31', '--group-by', 'ward'], env),
      runCliChild(['bulk-audit', root, '--as-of', '2025-02-30'], env),
    ]);
    const d = await runCliChild(['registry', 'report', '--format', 'xml'], env);
    expect([a.code, b.code, c.code, d.code]).toEqual([2, 2, 2, 2]);
    expect(a.stderr).toContain('--to');
    expect(b.stderr).toContain('--group-by');
    expect(c.stderr).toContain('--as-of');
    expect(d.stderr).toContain('usage: registry');
  });

  it('a configuration error names the variable and exits 1', async () => {
    const r = await runCliChild(['bulk-audit', root], { ...env, CLINIC_TIMEZONE: 'Mars/Olympus' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CLINIC_TIMEZONE');
  });

  it('compliance: json, csv and table from the store', async () => {
    const args = ['compliance', '--from', '2025-03-01', '--to', '2025-03-31'];
    // One at a time: a PGlite data directory is opened by one process at a time.
    const json = await runCliChild([...args, '--format', 'json'], env);
    const csv = await runCliChild([...args, '--format', 'csv'], env);
    const table = await runCliChild([...args, '--group-by', 'rule'], env);
    const cases = await runCliChild([...args, '--format', 'csv', '--section', 'cases'], env);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({
      from: '2025-03-01',
      to: '2025-03-31',
      groupBy: 'institution',
      rows: [
        { key: 'org-1', indicated: 2, due: 2, notified: 2, notifiedInTime: 1, rate: 1, inTimeRate: 0.5, missing: 0 },
        { key: 'org-2', indicated: 1, due: 1, notified: 0, notifiedInTime: 0, rate: 0, inTimeRate: 0, missing: 1 },
      ],
      total: { indicated: 3, due: 3, notified: 2, notifiedInTime: 1, pending: 0, missing: 1 },
    });
    expect(report.cases.map((c: { patient: string; status: string; dueBy: string }) => `${c.patient}:${c.status}:${c.dueBy}`)).toEqual([
      'pa:notified-in-time:2025-03-10',
      'pc:notified-late:2025-03-11',
      'pb:missing:2025-03-17',
    ]);
    expect(csv.code).toBe(0);
    expect(csv.stdout.replace(/^\uFEFF/, '').split('\r\n')).toEqual([
      'key,indicated,due,notified,notifiedInTime,rate,inTimeRate,pending,noticeIssued,missing,declined,postponed',
      'org-1,2,2,2,1,1,0.5,0,0,0,0,0',
      'org-2,1,1,0,0,0,0,0,0,1,0,0',
      'total,3,3,2,1,0.6666666666666666,0.3333333333333333,0,0,1,0,0',
      '',
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/ama\s+2\s+2\s+2\s+1\s+100\.0%\s+50\.0%\s+0\s+0\s+0/);
    expect(table.stdout).toMatch(/missing\s+Patient\/pb\|2025-08-01\s+org-2/);
    expect(table.stdout).toMatch(/notified-late\s+Patient\/pc\|2025-08-01/);
    expect(table.stdout).not.toMatch(/notified-in-time\s+Patient\/pa/);
    expect(cases.stdout.split('\r\n')[0]).toBe(
      '\uFEFFpregnancy,patient,mrn,edd,institution,practitioner,rules,firstIndicatedAt,dueBy,noticeAt,noticeIssuedAt,acknowledgedAt,decision,status',
    );
    const org2 = await runCliChild([...args, '--format', 'json', '--institution', 'org-2'], env);
    expect(JSON.parse(org2.stdout).total).toMatchObject({ indicated: 1, notified: 0 });
  });

  it('compliance: a case indicated today is pending with its due date, not missing, and not in the rate', async () => {
    const today = todayIn('Asia/Shanghai');
    const res = await runCliChild(['compliance', '--from', today, '--to', today, '--format', 'json'], env);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.cases).toMatchObject([{ patient: 'pd', status: 'pending', dueBy: addDays(today, 7), noticeAt: null }]);
    expect(report.total).toMatchObject({ indicated: 1, due: 0, pending: 1, missing: 0, rate: null, inTimeRate: null });
    const table = await runCliChild(['compliance', '--from', today, '--to', today], env);
    expect(table.stdout).toContain(`pending  Patient/pd|2025-08-01`);
    expect(table.stdout).toContain(addDays(today, 7));
  });

  it('registry import of a CSV (exit 1 when a row is rejected), then report', async () => {
    const csv = join(root, 'certs.csv');
    writeFileSync(
      csv,
      [
        'kind,practitioner_id,practitioner_name,organization_id,technique,certificate_number,valid_from,valid_to,last_training,licence_number',
        'certificate,dr-1,王医生,org-1,prenatal-diagnosis,C-001,2022-01-01,2027-01-01,2025-01-10,',
        'licence,,,org-1,prenatal-diagnosis;prenatal-screening,,2021-01-01,2026-01-01,,L-001',
        'certificate,,,org-1,prenatal-diagnosis,C-002,,,,',
      ].join('\n'),
    );
    const imported = await runCliChild(['registry', 'import', csv], env);
    expect(imported.code).toBe(1);
    expect(imported.stdout).toMatch(/^accepted 2 row\(s\): \d+ inserted, 0 updated, 0 unchanged; rejected 1 row\(s\)/);
    expect(imported.stdout).toMatch(/row 4.*practitioner/);
    const again = await runCliChild(['registry', 'import', csv], env);
    expect(again.stdout).toMatch(/0 inserted, 0 updated, \d+ unchanged/);
    const report = await runCliChild(['registry', 'report', '--format', 'json'], env);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout)).toBeTypeOf('object');
    expect((await runCliChild(['registry', 'import', join(root, 'nope.csv')], env)).code).toBe(1);
  });

  it('bulk-audit: a small export, json and csv, exit 0; an unreadable directory exits 1', async () => {
    const dir = join(root, 'export');
    mkdirSync(dir, { recursive: true });
    const cc = (system: string, code: string) => ({ coding: [{ system, code }] });
    writeFileSync(
      join(dir, 'Patient.ndjson'),
      `${JSON.stringify({ resourceType: 'Patient', id: 'a', gender: 'female', birthDate: '1985-01-01' })}\nnot json\n`,
    );
    writeFileSync(
      join(dir, 'Observation.ndjson'),
      `${JSON.stringify({ resourceType: 'Observation', id: 'e', status: 'final', subject: { reference: 'Patient/a' }, code: cc(SYSTEMS.loinc, '11778-8'), effectiveDateTime: '2025-03-01', valueDateTime: '2025-10-01' })}\n`,
    );
    const json = await runCliChild(['bulk-audit', dir, '--as-of', '2025-06-01', '--format', 'json'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      asOf: '2025-06-01',
      totals: { patients: 1, pregnantNow: 1, indicated: 1, missing: 1, malformedLines: 1 },
      missing: [{ patient: 'Patient/a', pregnancyKey: 'Patient/a|2025-10-01', rules: ['ama'] }],
      malformed: [{ file: 'Patient.ndjson', line: 2 }],
    });
    expect(json.stderr).toContain('1 malformed line(s) skipped');
    expect(json.stderr).not.toContain('lines/s');
    const csv = await runCliChild(['bulk-audit', dir, '--as-of', '2025-06-01', '--format', 'csv'], env);
    expect(csv.stdout).toBe(
      '\uFEFFpatient,mrn,pregnancyKey,rules,firstEvidenceDate,pregnancy,edd,dueBy,status\r\n' +
        'Patient/a,,Patient/a|2025-10-01,ama,2025-03-01,Patient/a|2025-10-01,2025-10-01,2025-03-08,missing\r\n',
    );
    const missing = await runCliChild(['bulk-audit', join(root, 'no-such-dir')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`bulk-audit: export directory ${join(root, 'no-such-dir')} not found\n`);
  });
});
