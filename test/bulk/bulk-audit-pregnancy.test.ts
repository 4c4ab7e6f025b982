import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatBulkAudit } from '../../src/bulk/audit-format.js';
import { runBulkAudit } from '../../src/bulk/io-run.js';
import { EXTENSIONS, NOTICE_CATEGORY_CODE, SYSTEMS } from '../../src/clinical/codes.js';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { clinicalNowAt } from '../../src/clock.js';
import { cc, eddObservation } from './export-resources.js';

/**
 * The bulk audit names pregnancies and decides case statuses as the compliance report does
 * (docs/design.md#pregnancy-identity, #case-status): a revised EDD is one pregnancy named by its
 * first EDD with the latest EDD; no notice is `pending` until the deadline, `missing` after; a
 * notice Communication is in time or late by its sent day. As of 2025-06-01 (Asia/Shanghai),
 * NOTICE_DEADLINE_DAYS 7.
 */
const root = mkdtempSync(join(tmpdir(), 'bulk-pregnancy-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const now = clinicalNowAt(new Date('2025-06-01T04:00:00Z'), 'Asia/Shanghai');
const patient = (id: string, birthDate: string) => ({ resourceType: 'Patient', id, gender: 'female', birthDate, name: [{ text: id }] });
const edd = eddObservation;
const afi = (id: string, pid: string, day: string, cm: number) => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  subject: { reference: `Patient/${pid}` },
  code: cc(SYSTEMS.loinc, '11627-7', '羊水指数'),
  effectiveDateTime: day,
  valueQuantity: { value: cm, unit: 'cm', system: SYSTEMS.ucum, code: 'cm' },
});
const notice = (id: string, pid: string, sent: string, rules: string[]) => ({
  resourceType: 'Communication',
  id,
  status: 'completed',
  category: [cc(SYSTEMS.noticeCategory, NOTICE_CATEGORY_CODE, '产前诊断书面告知')],
  subject: { reference: `Patient/${pid}` },
  sent,
  extension: rules.map((r) => ({ url: EXTENSIONS.noticeRules, valueCode: r })),
});

function exportDir(files: Record<string, readonly object[]>): string {
  const dir = join(root, `e${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  for (const [name, lines] of Object.entries(files)) writeFileSync(join(dir, name), lines.map((l) => JSON.stringify(l)).join('\n'));
  return dir;
}

describe('bulk-audit: pregnancy identity and case status', () => {
  it('a revised EDD, pending vs missing by the deadline, a notice in time and a late one', async () => {
    const dir = exportDir({
      'Patient.ndjson': [
        patient('p-wu-ling', '1995-04-02'),
        patient('p-he-jing', '1996-08-12'),
        patient('p-xu-yan', '1994-01-20'),
        patient('p-ma-li', '1993-11-05'),
      ],
      'Observation.ndjson': [
        // 吴玲: EDD 2025-10-01 at booking, revised to 2025-10-08 by the clinician; oligohydramnios on 2025-05-10
        edd('e-wu-1', 'p-wu-ling', '2025-03-01', '2025-10-01'),
        edd('e-wu-2', 'p-wu-ling', '2025-04-15', '2025-10-08'),
        afi('a-wu', 'p-wu-ling', '2025-05-10', 4),
        // 何静: oligohydramnios on 2025-05-28, due 2025-06-04: pending
        edd('e-he', 'p-he-jing', '2025-03-05', '2025-10-20'),
        afi('a-he', 'p-he-jing', '2025-05-28', 4.5),
        // 徐燕: polyhydramnios 2025-05-02, notice 2025-05-06: in time
        edd('e-xu', 'p-xu-yan', '2025-02-20', '2025-09-15'),
        afi('a-xu', 'p-xu-yan', '2025-05-02', 30),
        // 马丽: oligohydramnios 2025-05-02, notice 2025-05-20: late
        edd('e-ma', 'p-ma-li', '2025-02-22', '2025-09-18'),
        afi('a-ma', 'p-ma-li', '2025-05-02', 3.8),
      ],
      'Communication.ndjson': [
        notice('c-xu', 'p-xu-yan', '2025-05-06T10:00:00+08:00', ['amniotic-fluid']),
        notice('c-ma', 'p-ma-li', '2025-05-20T10:00:00+08:00', ['amniotic-fluid']),
      ],
    });
    const r = await runBulkAudit({ dir, policy: DEFAULT_POLICY, now, deadlineDays: 7 });
    expect(r.totals).toMatchObject({ indicated: 4, withNotice: 2, notifiedInTime: 1, notifiedLate: 1, pending: 1, missing: 1 });
    expect(r.missing).toEqual([
      {
        patient: 'Patient/p-he-jing',
        mrn: null,
        pregnancyKey: 'Patient/p-he-jing|2025-10-20',
        rules: ['amniotic-fluid'],
        firstEvidenceDate: '2025-05-28',
        pregnancy: 'Patient/p-he-jing|2025-10-20',
        edd: '2025-10-20',
        dueBy: '2025-06-04',
        status: 'pending',
      },
      {
        patient: 'Patient/p-wu-ling',
        mrn: null,
        // the record's best EDD now; the pregnancy keeps the name of its first EDD, as in the compliance report
        pregnancyKey: 'Patient/p-wu-ling|2025-10-08',
        rules: ['amniotic-fluid'],
        firstEvidenceDate: '2025-05-10',
        pregnancy: 'Patient/p-wu-ling|2025-10-01',
        edd: '2025-10-08',
        dueBy: '2025-05-17',
        status: 'missing',
      },
    ]);
    expect(formatBulkAudit(r, 'table')).toMatch(/no notice, pending \(due date not passed\)\s+1/);
  });

  it('an earlier, delivered pregnancy in the record is another pregnancy: the case is named by the current one', async () => {
    const dir = exportDir({
      'Patient.ndjson': [patient('p-zhou-qian', '1984-06-30')],
      'Observation.ndjson': [
        edd('e-old', 'p-zhou-qian', '2024-01-10', '2024-08-20'),
        edd('e-new', 'p-zhou-qian', '2025-03-10', '2025-10-12'),
      ],
      'Procedure.ndjson': [
        {
          resourceType: 'Procedure',
          id: 'pr-delivery',
          status: 'completed',
          subject: { reference: 'Patient/p-zhou-qian' },
          code: cc(SYSTEMS.snomed, '236973005', '阴道分娩'),
          performedDateTime: '2024-08-18',
        },
      ],
    });
    const r = await runBulkAudit({ dir, policy: DEFAULT_POLICY, now, deadlineDays: 7 });
    expect(r.missing).toEqual([
      expect.objectContaining({ pregnancy: 'Patient/p-zhou-qian|2025-10-12', edd: '2025-10-12', rules: ['ama'], status: 'missing' }),
    ]);
  });
});
