import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatBulkAudit } from '../../src/bulk/audit-format.js';
import { runBulkAudit } from '../../src/bulk/io-run.js';
import { instantDay } from '../../src/calendar/index.js';
import { SYSTEMS } from '../../src/clinical/codes.js';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { clinicalNowAt } from '../../src/clock.js';

const root = mkdtempSync(join(tmpdir(), 'bulk-cases-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const now = clinicalNowAt(new Date('2025-06-01T04:00:00Z'), 'Asia/Shanghai');
const cc = (system: string, code: string) => ({ coding: [{ system, code }] });
const edd = (id: string, pid: string) => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  subject: { reference: `Patient/${pid}` },
  code: cc(SYSTEMS.loinc, '11778-8'),
  effectiveDateTime: '2025-03-01',
  valueDateTime: '2025-10-01',
});
const afi = (id: string, pid: string, cm: number) => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  subject: { reference: `Patient/${pid}` },
  code: cc(SYSTEMS.loinc, '11627-7'),
  effectiveDateTime: '2025-05-20',
  valueQuantity: { value: cm, unit: 'cm', system: SYSTEMS.ucum, code: 'cm' },
});

let n = 0;
function exportOf(files: Record<string, readonly (object | string)[]>): string {
  const dir = join(root, `e${++n}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  for (const [name, lines] of Object.entries(files))
    writeFileSync(join(dir, name), lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
  return dir;
}

describe('bulk-audit: small cases', () => {
  it('groups a patient across split files (Type.000 / Type.001) and types; blank lines and CRLF are fine', async () => {
    const dir = exportOf({
      'Patient.ndjson': [
        { resourceType: 'Patient', id: 'a', gender: 'female', birthDate: '1995-01-01' },
        '',
        { resourceType: 'Patient', id: 'b', gender: 'female', birthDate: '1995-01-01' },
      ],
      'Observation.000.ndjson': [edd('e1', 'a'), `${JSON.stringify(edd('e2', 'b'))}\r`],
      'Observation.001.ndjson': [afi('f1', 'a', 3.5), afi('f2', 'b', 12)],
    });
    const r = await runBulkAudit({ dir, policy: DEFAULT_POLICY, now, bucketBytes: 64 });
    expect(r.totals).toMatchObject({ lines: 6, patients: 2, pregnantNow: 2, indicated: 1, withNotice: 0, missing: 1, malformedLines: 0 });
    expect(r.missing).toEqual([
      {
        patient: 'Patient/a',
        mrn: null,
        pregnancyKey: 'Patient/a|2025-10-01',
        rules: ['amniotic-fluid'],
        firstEvidenceDate: '2025-05-20',
        pregnancy: 'Patient/a|2025-10-01',
        edd: '2025-10-01',
        dueBy: '2025-05-27',
        status: 'missing',
      },
    ]);
  });

  it('malformed lines are counted with file:line, never fatal; resources without a subject are unattributed', async () => {
    const dir = exportOf({
      'Patient.ndjson': [
        { resourceType: 'Patient', id: 'a', gender: 'female', birthDate: '1980-01-01' },
        '{"resourceType": "Patient", "id": ',
        '"just a string"',
      ],
      'Observation.ndjson': [
        edd('e1', 'a'),
        { resourceType: 'Observation', id: 'x', status: 'final', code: cc(SYSTEMS.loinc, '718-7') },
        '{}',
        { resourceType: 'Observation', id: 'g', subject: { reference: 'Group/1' } },
      ],
    });
    const r = await runBulkAudit({ dir, policy: DEFAULT_POLICY, now });
    expect(r.totals).toMatchObject({
      lines: 7,
      patients: 1,
      indicated: 1,
      missing: 1,
      malformedLines: 3,
      unattributed: { Observation: 2 },
    });
    expect(r.missing[0]).toMatchObject({ rules: ['ama'], firstEvidenceDate: '2025-03-01' });
    expect(r.malformed).toEqual([
      { file: 'Observation.ndjson', line: 3, reason: 'not a FHIR resource (no resourceType)' },
      { file: 'Patient.ndjson', line: 2, reason: expect.stringMatching(/^invalid JSON/) },
      { file: 'Patient.ndjson', line: 3, reason: 'not a FHIR resource (no resourceType)' },
    ]);
    const table = formatBulkAudit(r, 'table');
    expect(table).toContain('Patient.ndjson:2: invalid JSON');
    expect(table).toMatch(/missing notice\s+1/);
    expect(formatBulkAudit(r, 'csv')).toBe(
      '\uFEFFpatient,mrn,pregnancyKey,rules,firstEvidenceDate,pregnancy,edd,dueBy,status\r\n' +
        'Patient/a,,Patient/a|2025-10-01,ama,2025-03-01,Patient/a|2025-10-01,2025-10-01,2025-03-08,missing\r\n',
    );
    expect(JSON.parse(formatBulkAudit(r, 'json'))).toEqual(r);
  });

  it('resources of a patient with no Patient resource are still evaluated (and counted)', async () => {
    const dir = exportOf({ 'Observation.ndjson': [edd('e1', 'z'), afi('f1', 'z', 30)] });
    const r = await runBulkAudit({ dir, policy: DEFAULT_POLICY, now });
    expect(r.totals).toMatchObject({ patients: 1, patientsWithoutPatientResource: 1, pregnantNow: 1, indicated: 1, missing: 1 });
  });

  it('joins shared Medication resources by medicationReference (teratogen)', async () => {
    const dir = exportOf({
      'Patient.ndjson': [{ resourceType: 'Patient', id: 'a', gender: 'female', birthDate: '1995-01-01' }],
      'Observation.ndjson': [edd('e1', 'a')],
      'Medication.ndjson': [{ resourceType: 'Medication', id: 'iso', code: cc(SYSTEMS.atc, 'D10BA01') }],
      'MedicationStatement.ndjson': [
        {
          resourceType: 'MedicationStatement',
          id: 'ms',
          status: 'completed',
          subject: { reference: 'Patient/a' },
          medicationReference: { reference: 'Medication/iso' },
          effectivePeriod: { start: '2025-01-10', end: '2025-02-10' },
        },
      ],
    });
    const r = await runBulkAudit({ dir, policy: DEFAULT_POLICY, now });
    expect(r.missing).toEqual([
      {
        patient: 'Patient/a',
        mrn: null,
        pregnancyKey: 'Patient/a|2025-10-01',
        rules: ['teratogen-exposure'],
        // taken from 2025-01-10 (LMP 2024-12-25), found when the record first shows the pregnancy
        firstEvidenceDate: '2025-01-10',
        pregnancy: 'Patient/a|2025-10-01',
        edd: '2025-10-01',
        dueBy: '2025-03-08',
        status: 'missing',
      },
    ]);
  });

  it('a family history recorded years before the pregnancy indicates it on the first day the record shows the pregnancy', async () => {
    const fmh = (id: string, pid: string, date: string) => ({
      resourceType: 'FamilyMemberHistory',
      id,
      status: 'completed',
      patient: { reference: `Patient/${pid}` },
      date,
      relationship: cc(SYSTEMS.v3RoleCode, 'MTH'),
      condition: [{ code: cc(SYSTEMS.snomed, '41040004') }],
    });
    const eddOn = (id: string, pid: string, recorded: string, value: string) => ({
      ...edd(id, pid),
      effectiveDateTime: recorded,
      valueDateTime: value,
    });
    const dir = exportOf({
      'Patient.ndjson': [
        { resourceType: 'Patient', id: 'p-lin-wan', gender: 'female', birthDate: '1996-04-12', name: [{ text: '林婉' }] },
        { resourceType: 'Patient', id: 'p-zheng-rong', gender: 'female', birthDate: '1995-09-03', name: [{ text: '郑蓉' }] },
      ],
      // 林婉: her mother's Down syndrome recorded in 2020; this pregnancy first booked (and dated) on 2025-05-28
      // 郑蓉: recorded in 2019; her pregnancy Condition has its onset on 2025-02-20, dated 2025-03-05 (LMP 2025-01-03);
      // a "pregnant" status of 2023 is an earlier pregnancy's
      'FamilyMemberHistory.ndjson': [fmh('fmh-lin', 'p-lin-wan', '2020-03-01'), fmh('fmh-zheng', 'p-zheng-rong', '2019-06-15')],
      'Observation.ndjson': [
        eddOn('e-lin', 'p-lin-wan', '2025-05-28', '2025-12-01'),
        eddOn('e-zheng', 'p-zheng-rong', '2025-03-05', '2025-10-10'),
        {
          resourceType: 'Observation',
          id: 'ps-zheng-2023',
          status: 'final',
          subject: { reference: 'Patient/p-zheng-rong' },
          code: cc(SYSTEMS.loinc, '82810-3'),
          effectiveDateTime: '2023-05-01',
          valueCodeableConcept: cc(SYSTEMS.snomed, '77386006'),
        },
      ],
      'Condition.ndjson': [
        {
          resourceType: 'Condition',
          id: 'preg-zheng',
          subject: { reference: 'Patient/p-zheng-rong' },
          code: cc(SYSTEMS.snomed, '77386006'),
          clinicalStatus: cc('http://terminology.hl7.org/CodeSystem/condition-clinical', 'active'),
          onsetDateTime: '2025-02-20',
        },
      ],
    });
    const r = await runBulkAudit({ dir, policy: DEFAULT_POLICY, now, deadlineDays: 7 });
    expect(r.totals).toMatchObject({ indicated: 2, withNotice: 0, pending: 1, missing: 1 });
    expect(r.missing).toEqual([
      {
        patient: 'Patient/p-lin-wan',
        mrn: null,
        pregnancyKey: 'Patient/p-lin-wan|2025-12-01',
        rules: ['genetic-family-history'],
        firstEvidenceDate: '2020-03-01',
        pregnancy: 'Patient/p-lin-wan|2025-12-01',
        edd: '2025-12-01',
        dueBy: '2025-06-04',
        status: 'pending',
      },
      {
        patient: 'Patient/p-zheng-rong',
        mrn: null,
        pregnancyKey: 'Patient/p-zheng-rong|2025-10-10',
        rules: ['genetic-family-history'],
        firstEvidenceDate: '2019-06-15',
        pregnancy: 'Patient/p-zheng-rong|2025-10-10',
        edd: '2025-10-10',
        dueBy: '2025-02-27',
        status: 'missing',
      },
    ]);
    // The follow-up funnel indicates them on the same days (its period starts at the first indication).
    const f = r.followUp!;
    expect(f.from).toBe('2025-02-20');
    expect(f.total).toMatchObject({ indicated: 2, notified: 0 });
    const indicatedOn = Object.fromEntries(f.undiagnosed.map((u) => [u.patient, instantDay(u.indicatedAt, 'Asia/Shanghai')]));
    expect(indicatedOn).toEqual({ 'p-lin-wan': '2025-05-28', 'p-zheng-rong': '2025-02-20' });
  });

  it('a pregnancy the record does not date is indicated on the as-of day, not on an old family history', async () => {
    const dir = exportOf({
      'Patient.ndjson': [{ resourceType: 'Patient', id: 'p-gao-min', gender: 'female', birthDate: '1997-02-14', name: [{ text: '高敏' }] }],
      'FamilyMemberHistory.ndjson': [
        {
          resourceType: 'FamilyMemberHistory',
          id: 'fmh-gao',
          status: 'completed',
          patient: { reference: 'Patient/p-gao-min' },
          date: '2020-03-01',
          relationship: cc(SYSTEMS.v3RoleCode, 'MTH'),
          condition: [{ code: cc(SYSTEMS.snomed, '41040004') }],
        },
      ],
      // an active pregnancy Condition without onset or recorded date, and no EDD
      'Condition.ndjson': [
        {
          resourceType: 'Condition',
          id: 'preg-gao',
          subject: { reference: 'Patient/p-gao-min' },
          code: cc(SYSTEMS.snomed, '77386006'),
          clinicalStatus: cc('http://terminology.hl7.org/CodeSystem/condition-clinical', 'active'),
        },
      ],
    });
    const r = await runBulkAudit({ dir, policy: DEFAULT_POLICY, now, deadlineDays: 7 });
    expect(r.missing).toEqual([
      expect.objectContaining({ patient: 'Patient/p-gao-min', rules: ['genetic-family-history'], dueBy: '2025-06-08', status: 'pending' }),
    ]);
  });

  it('removes its temp files, also when the export cannot be read', async () => {
    const tmpRoot = mkdtempSync(join(root, 'tmp-'));
    await expect(runBulkAudit({ dir: join(root, 'does-not-exist'), policy: DEFAULT_POLICY, now, tmpRoot })).rejects.toThrow(/ENOENT/);
    expect(readdirSync(tmpRoot)).toEqual([]);
    const dir = exportOf({ 'Patient.ndjson': [{ resourceType: 'Patient', id: 'a' }] });
    await runBulkAudit({ dir, policy: DEFAULT_POLICY, now, tmpRoot, bucketBytes: 1 });
    expect(readdirSync(tmpRoot)).toEqual([]);
  });
});
