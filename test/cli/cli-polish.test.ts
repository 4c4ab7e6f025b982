import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bulkAuditCsv, bulkAuditTable } from '../../src/bulk/audit-format.js';
import { createAuditTally, type BulkAuditReport } from '../../src/bulk/audit-tally.js';
import { exportFiles } from '../../src/bulk/io-partition.js';
import { bulkAuditCommand } from '../../src/cli/bulk-audit-command.js';
import { complianceTable } from '../../src/cli/compliance-format.js';
import type { CliIo } from '../../src/cli/io.js';
import { noticeHashCommand } from '../../src/cli/notice-hash-command.js';
import { loadConfig } from '../../src/config/load.js';
import { parseCsv } from '../../src/csv/index.js';
import { groupCases } from '../../src/qc/compliance-groups.js';
import type { ComplianceCase, ComplianceReport } from '../../src/qc/compliance-types.js';
import { itemsCsv } from '../../src/qc/data-quality-csv.js';
import { reportCsv, reportTable } from '../../src/registry/report-format.js';
import type { RegistryReport } from '../../src/registry/report.js';
import { displayWidth, padEndColumns } from '../../src/text/display-width.js';
import { compareIds } from '../../src/text/natural-order.js';
import { alignColumns } from '../../src/text/table.js';

/** CLI output (docs/design.md#cli-output): CJK-aware columns, one CSV list separator, readable path errors, natural order. */
const tmp = mkdtempSync(join(tmpdir(), 'cli-polish-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function captureIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { env: {}, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), stderrIsTty: false, out, err };
}

/** The display column at which `cell` starts on `line`. */
const columnOf = (line: string, cell: string) => displayWidth(line.slice(0, line.indexOf(cell)));

describe('display width', () => {
  it.each([
    ['ZJ-2023', 7],
    ['王秀英', 6],
    ['杭州市妇产科医院', 16],
    ['Dr. 李 (Li)', 11],
    ['（本机构）', 10],
    ['ＡＢＣ＝', 8],
    ['김민지', 6],
    ['é', 1],
    ['e\u0301', 1],
    ['\u2068陈静\u2069', 4],
    ['👩‍⚕️', 2],
    ['', 0],
  ])('%j takes %i columns', (text, width) => {
    expect(displayWidth(text)).toBe(width);
  });

  it('pads by columns, not UTF-16 units', () => {
    expect(padEndColumns('王芳', 6)).toBe('王芳  ');
    expect(padEndColumns('Wang', 6)).toBe('Wang  ');
  });
});

describe('aligned tables with Chinese names', () => {
  it('the column after a name starts at the same display column on every line', () => {
    const rows = [
      ['holder', 'name', 'number'],
      ['Practitioner/p-1', '王秀英', 'ZJ-MY-2021-0001'],
      ['Practitioner/p-2', 'Maria Lopez 李', 'ZJ-MY-2021-0002'],
      ['Organization/o-1', '浙江大学医学院附属妇产科医院', 'ZJ-LIC-0003'],
    ];
    const lines = alignColumns(rows).split('\n');
    const starts = lines.map((l, i) => columnOf(l, rows[i]![2]!));
    expect(new Set(starts).size).toBe(1);
    expect(starts[0]).toBe(16 + 2 + displayWidth('浙江大学医学院附属妇产科医院') + 2);
    expect(lines.every((l) => l === l.trimEnd())).toBe(true);
  });

  it('right-aligned columns end at the same display column', () => {
    const lines = alignColumns(
      [
        ['机构', 'n'],
        ['杭州', '12'],
        ['org-2', '3'],
      ],
      new Set([1]),
    ).split('\n');
    expect(new Set(lines.map(displayWidth)).size).toBe(1);
  });

  it('registry report: holder names in Chinese keep the number column aligned', () => {
    const item = (holder: string, holderName: string, number: string) => ({
      bucket: 'expired' as const,
      kind: 'certificate' as const,
      holder,
      holderName,
      number,
      techniques: ['prenatal-diagnosis', 'prenatal-screening'],
      date: '2026-01-31',
      days: -30,
    });
    const report: RegistryReport = {
      today: '2026-03-02',
      expiringWithinDays: 90,
      items: [item('Practitioner/prac-li', '李娜', 'ZJ-CERT-001'), item('Practitioner/prac-ou', '欧阳 Maria', 'ZJ-CERT-002')],
      counts: { expired: 2, expiring: 0, 'training-overdue': 0, 'verification-overdue': 0 },
    };
    const lines = reportTable(report).split('\n').slice(2, 5);
    expect(new Set([columnOf(lines[0]!, 'number'), columnOf(lines[1]!, 'ZJ-CERT-001'), columnOf(lines[2]!, 'ZJ-CERT-002')]).size).toBe(1);
    const csv = parseCsv(reportCsv(report)).records;
    expect(csv[1]!.fields[5]).toBe('prenatal-diagnosis;prenatal-screening');
  });

  it('compliance table: a Chinese group key keeps the numbers right-aligned', () => {
    const counts = {
      indicated: 3,
      due: 2,
      notified: 1,
      notifiedInTime: 1,
      rate: 0.5,
      inTimeRate: 0.5,
      pending: 1,
      noticeIssued: 0,
      missing: 1,
      declined: 0,
      postponed: 0,
    };
    const report = {
      from: '2026-03-01',
      to: '2026-03-31',
      groupBy: 'institution',
      rows: [
        { key: '杭州市妇产科医院', ...counts },
        { key: 'org-2', ...counts },
      ],
      total: counts,
      cases: [],
    } as unknown as ComplianceReport;
    const lines = complianceTable(report).split('\n').slice(2, 6);
    expect(new Set(lines.map(displayWidth)).size).toBe(1);
  });
});

const missing = (patient: string, rules: string[]) => ({ patient, pregnancyKey: null, rules, firstEvidenceDate: '2026-02-01' });

describe('one list separator in every CSV: ";"', () => {
  it('bulk audit: rules joined with ";" (read back as one field)', () => {
    const report = { missing: [missing('Patient/p-demo-1', ['ama', 'teratogen-exposure'])] } as unknown as BulkAuditReport;
    const [header, row] = parseCsv(bulkAuditCsv(report)).records;
    expect(row!.fields[header!.fields.indexOf('rules')]).toBe('ama;teratogen-exposure');
  });

  it('data quality: evidence joined with ";"', () => {
    const csv = itemsCsv([
      {
        kind: 'undecided',
        receivedAt: '2026-03-02T01:00:00Z',
        hookCall: 'hc-1',
        service: 'prenatal-diagnosis-referral',
        institution: 'org-1',
        practitioner: null,
        patient: 'Patient/p-1',
        rule: 'ama',
        ruleVersion: '1',
        reason: 'no-birth-date',
        evidence: ['Patient/p-1', 'Observation/edd-1'],
      },
    ]);
    expect(parseCsv(csv).records[1]!.fields[10]).toBe('Patient/p-1;Observation/edd-1');
  });
});

describe('natural order of ids', () => {
  it('p-demo-2 before p-demo-10', () => {
    expect(['p-demo-10', 'p-demo-2', 'p-demo-1', 'Patient/10', 'Patient/9'].sort(compareIds)).toEqual([
      'p-demo-1',
      'p-demo-2',
      'p-demo-10',
      'Patient/9',
      'Patient/10',
    ]);
    expect(compareIds('p-a', 'p-A')).not.toBe(0);
  });

  it('the bulk audit lists patients in natural order', () => {
    const tally = createAuditTally();
    for (const id of ['p-demo-10', 'p-demo-2', 'p-demo-1']) {
      tally.add({
        patientId: id,
        hasPatientResource: true,
        pregnant: true,
        rules: ['ama'],
        firstEvidenceDate: '2026-02-01',
        ruleErrors: 0,
      });
    }
    const report = tally.report({
      asOf: '2026-03-02',
      timeZone: 'Asia/Shanghai',
      lines: 3,
      malformed: [],
      malformedCount: 0,
      unattributed: {},
    });
    expect(report.missing.map((m) => m.patient)).toEqual(['Patient/p-demo-1', 'Patient/p-demo-2', 'Patient/p-demo-10']);
    const table = bulkAuditTable(report);
    expect(table.indexOf('Patient/p-demo-2 ')).toBeLessThan(table.indexOf('Patient/p-demo-10'));
  });

  it('QC compliance rows by institution in natural order (the compliance command prints them)', () => {
    const kase = (institution: string) =>
      ({
        institution,
        practitioner: null,
        rules: ['ama'],
        status: 'pending',
        dueBy: '2026-03-09',
        noticeAt: null,
        firstIndicatedAt: '2026-03-02T02:00:00Z',
      }) as unknown as ComplianceCase;
    const rows = groupCases([kase('org-10'), kase('org-2'), kase('org-1')], 'institution', {
      timeZone: 'Asia/Shanghai',
      today: '2026-03-03',
    });
    expect(rows.map((r) => r.key)).toEqual(['org-1', 'org-2', 'org-10']);
  });

  it('export files are read in natural order', async () => {
    const dir = join(tmp, 'export-order');
    mkdirSync(dir);
    for (const n of ['Observation.10.ndjson', 'Observation.2.ndjson', 'Patient.ndjson', 'notes.txt']) writeFileSync(join(dir, n), '');
    expect((await exportFiles(dir)).map((f) => f.path.slice(dir.length + 1))).toEqual([
      'Observation.2.ndjson',
      'Observation.10.ndjson',
      'Patient.ndjson',
    ]);
  });
});

describe('readable errors for missing paths', () => {
  const config = loadConfig({});

  it('bulk-audit: a missing export directory', async () => {
    const io = captureIo();
    const dir = join(tmp, 'no-such-export');
    expect(await bulkAuditCommand([dir], io, config)).toBe(1);
    expect(io.err.join('')).toBe(`bulk-audit: export directory ${dir} not found\n`);
  });

  it('bulk-audit: a file where the directory should be', async () => {
    const io = captureIo();
    const file = join(tmp, 'Patient.ndjson');
    writeFileSync(file, '');
    expect(await bulkAuditCommand([file], io, config)).toBe(1);
    expect(io.err.join('')).toBe(`bulk-audit: export directory ${file} is a file, not a directory\n`);
  });

  it('notice-hash: a missing file, and invalid JSON by line and column without quoting the notice', async () => {
    const io = captureIo();
    const file = join(tmp, 'no-such-notice.json');
    expect(await noticeHashCommand([file], io)).toBe(1);
    expect(io.err.join('')).toBe(`notice-hash: file ${file} not found\n`);
    const broken = join(tmp, 'notice.json');
    writeFileSync(broken, '{\n  "woman": { "name": "王秀英" },\n  "findings": [\n}\n');
    const io2 = captureIo();
    expect(await noticeHashCommand([broken], io2)).toBe(1);
    expect(io2.err.join('')).toBe(`notice-hash: ${broken}: invalid JSON at line 4, column 1: expected a value\n`);
    expect(io2.err.join('')).not.toContain('王秀英');
  });
});
