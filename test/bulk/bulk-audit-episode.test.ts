import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, describe, expect, it } from 'vitest';
import { formatBulkAudit } from '../../src/bulk/audit-format.js';
import { runBulkAudit } from '../../src/bulk/io-run.js';
import { SYSTEMS } from '../../src/clinical/codes.js';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { derivePregnancyFacts } from '../../src/clinical/pregnancy/derive-facts.js';
import { clinicalNowAt } from '../../src/clock.js';
import { parseCsv } from '../../src/csv/index.js';
import { createSnapshot } from '../../src/fhir/snapshot.js';
import { resolvePregnancies, type PregnancySighting } from '../../src/qc/pregnancy-identity.js';
import { cc, eddObservation } from './export-resources.js';

/**
 * The bulk audit names a pregnancy as the hook calls name it when the export holds the EHR's
 * pregnancy EpisodeOfCare (docs/design.md#bulk-pregnancy-replay, #pregnancy-identity), and shows her
 * record number of MRN_SYSTEM (docs/design.md#bulk-mrn). Each woman's record is dated; the hook
 * path is replayed from it independently of the bulk code: a patient-view call on every day
 * something was recorded and on the as-of day, each deriving the call's key and best EDD from the
 * record as it stood that day (derivePregnancyFacts), the calls resolved as the compliance report
 * resolves them. As of 2025-06-01 (Asia/Shanghai), NOTICE_DEADLINE_DAYS 7, no notice given.
 */
const TZ = 'Asia/Shanghai';
const AS_OF = '2025-06-01';
const now = clinicalNowAt(new Date(`${AS_OF}T04:00:00Z`), TZ);
const MRN_SYSTEM = 'https://hospital.example.cn/fhir/sid/mrn';
const root = mkdtempSync(join(tmpdir(), 'bulk-episode-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A woman with 居民身份证, an old and a current record number, as a hospital EHR exports her. */
function patient(id: string, birthDate: string, idCard: string, mrn: string, oldMrn: string): Resource {
  return {
    resourceType: 'Patient',
    id,
    gender: 'female',
    birthDate,
    name: [{ text: id }],
    identifier: [
      { use: 'official', type: { text: '居民身份证' }, system: 'urn:oid:2.16.156.10011.1.3', value: idCard },
      { use: 'old', system: MRN_SYSTEM, value: oldMrn },
      { use: 'official', system: MRN_SYSTEM, value: mrn },
    ],
  } as Resource;
}
const edd = (id: string, pid: string, recorded: string, value: string) => eddObservation(id, pid, recorded, value) as Resource;
const episode = (id: string, pid: string, status: 'active' | 'finished', start: string, end?: string): Resource =>
  ({
    resourceType: 'EpisodeOfCare',
    id,
    status,
    patient: { reference: `Patient/${pid}` },
    type: [cc(SYSTEMS.snomed, '77386006', '妊娠')],
    period: { start, ...(end ? { end } : {}) },
  }) as Resource;

/** A record entry: what the EHR held from `day` on (a later entry with the same id replaces it). */
interface Dated {
  readonly day: string;
  readonly resource: Resource;
}

/** 陈静 (38 at her EDD: advanced maternal age): a delivered 2023 pregnancy; this one's episode opened before its first EDD, which was then revised. */
const CHEN = 'p-chen-jing';
const chen: Dated[] = [
  { day: '2023-01-10', resource: episode('eoc-chen-jing-2023', CHEN, 'active', '2023-01-10') },
  { day: '2023-01-15', resource: edd('e-chen-2023', CHEN, '2023-01-15', '2023-10-05') },
  { day: '2023-09-30', resource: episode('eoc-chen-jing-2023', CHEN, 'finished', '2023-01-10', '2023-09-30') },
  { day: '2025-02-20', resource: episode('eoc-chen-jing-2025', CHEN, 'active', '2025-02-20') },
  { day: '2025-03-01', resource: edd('e-chen-1', CHEN, '2025-03-01', '2025-10-01') },
  { day: '2025-04-15', resource: edd('e-chen-2', CHEN, '2025-04-15', '2025-10-08') },
];
/** 林芳 (38 at her EDD): her EDD was recorded before the EHR opened her pregnancy episode, then revised. */
const LIN = 'p-lin-fang';
const lin: Dated[] = [
  { day: '2025-03-05', resource: edd('e-lin-1', LIN, '2025-03-05', '2025-09-20') },
  { day: '2025-03-25', resource: episode('eoc-lin-fang-2025', LIN, 'active', '2025-03-25') },
  { day: '2025-04-20', resource: edd('e-lin-2', LIN, '2025-04-20', '2025-09-26') },
];
const WOMEN = [
  { id: CHEN, patient: patient(CHEN, '1987-03-02', '330106198703020047', 'ZY-2025-001208', 'ZY-2019-000731'), record: chen },
  { id: LIN, patient: patient(LIN, '1987-07-01', '330102198707010021', 'ZY-2025-001377', 'ZY-2020-004410'), record: lin },
];

/** The record as it stood on `day` (the latest version of each resource). */
function asOf(record: readonly Dated[], day: string): Resource[] {
  const byId = new Map<string, Resource>();
  for (const d of record) if (d.day <= day) byId.set(`${d.resource.resourceType}/${d.resource.id}`, d.resource);
  return [...byId.values()];
}

/** The name the compliance report gives her current pregnancy when the referral service saw every visit. */
function hookPathName(w: (typeof WOMEN)[number]): string | undefined {
  const days = [...new Set([...w.record.map((d) => d.day), AS_OF])].sort();
  const sightings: PregnancySighting[] = days.map((day) => {
    const at = clinicalNowAt(new Date(`${day}T02:00:00Z`), TZ);
    const facts = derivePregnancyFacts(
      createSnapshot({ patientId: w.id, resources: [w.patient, ...asOf(w.record, day)] }),
      DEFAULT_POLICY,
      at,
    );
    return {
      patientId: w.id,
      ...(facts.pregnancyKey ? { pregnancyKey: facts.pregnancyKey } : {}),
      ...(facts.edd ? { edd: facts.edd.date } : {}),
      receivedAt: at.instant,
    };
  });
  const index = resolvePregnancies(sightings, { toleranceDays: DEFAULT_POLICY.PREGNANCY_EDD_TOLERANCE_DAYS, timeZone: TZ });
  return index.of(sightings.at(-1)!);
}

function exportDir(): string {
  const dir = join(root, `e${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  const all = WOMEN.flatMap((w) => [w.patient, ...asOf(w.record, AS_OF)]);
  const byType = new Map<string, Resource[]>();
  for (const r of all) byType.set(r.resourceType, [...(byType.get(r.resourceType) ?? []), r]);
  for (const [type, list] of byType) writeFileSync(join(dir, `${type}.ndjson`), list.map((r) => JSON.stringify(r)).join('\n'));
  return dir;
}

describe('bulk-audit: pregnancy episodes and record numbers', () => {
  it('names each pregnancy as the hook calls do: by the episode when it opened first, by the first EDD when that came first', async () => {
    expect(WOMEN.map(hookPathName)).toEqual(['EpisodeOfCare/eoc-chen-jing-2025', 'Patient/p-lin-fang|2025-09-20']);
    const r = await runBulkAudit({ dir: exportDir(), policy: DEFAULT_POLICY, now, deadlineDays: 7, mrnSystem: MRN_SYSTEM });
    expect(r.totals).toMatchObject({ indicated: 2, withNotice: 0, missing: 2 });
    expect(r.missing).toEqual([
      {
        patient: `Patient/${CHEN}`,
        mrn: 'ZY-2025-001208',
        pregnancyKey: 'EpisodeOfCare/eoc-chen-jing-2025',
        rules: ['ama'],
        // advanced maternal age: indicated on the day of the EDD it is judged by (docs/design.md#bulk-indication-day)
        firstEvidenceDate: '2025-04-15',
        // one case, named as the hook path names it (not by her first EDD), with the revised EDD
        pregnancy: 'EpisodeOfCare/eoc-chen-jing-2025',
        edd: '2025-10-08',
        dueBy: '2025-04-22',
        status: 'missing',
      },
      {
        patient: `Patient/${LIN}`,
        mrn: 'ZY-2025-001377',
        pregnancyKey: 'EpisodeOfCare/eoc-lin-fang-2025',
        rules: ['ama'],
        firstEvidenceDate: '2025-04-20',
        pregnancy: 'Patient/p-lin-fang|2025-09-20',
        edd: '2025-09-26',
        dueBy: '2025-04-27',
        status: 'missing',
      },
    ]);
    expect(r.missing.map((m) => m.pregnancy)).toEqual(WOMEN.map(hookPathName));
    // The funnel names her the same way (the same replay feeds it).
    expect(r.followUp!.undiagnosed.map((u) => u.pregnancy).sort()).toEqual([
      'EpisodeOfCare/eoc-chen-jing-2025',
      'Patient/p-lin-fang|2025-09-20',
    ]);
  });

  it('shows her record number beside her id in the CSV and the table, nothing of her 身份证 or old number', async () => {
    const r = await runBulkAudit({ dir: exportDir(), policy: DEFAULT_POLICY, now, deadlineDays: 7, mrnSystem: MRN_SYSTEM });
    const csv = formatBulkAudit(r, 'csv');
    const rows = parseCsv(csv).records.map((x) => [...x.fields]);
    expect(rows[0]!.slice(0, 3)).toEqual(['patient', 'mrn', 'pregnancyKey']);
    expect(rows.slice(1).map((x) => x.slice(0, 2))).toEqual([
      [`Patient/${CHEN}`, 'ZY-2025-001208'],
      [`Patient/${LIN}`, 'ZY-2025-001377'],
    ]);
    const table = formatBulkAudit(r, 'table');
    expect(table).toMatch(/Patient\/p-chen-jing\s+ZY-2025-001208\s+EpisodeOfCare\/eoc-chen-jing-2025\s+2025-10-08/);
    for (const text of [csv, table, formatBulkAudit(r, 'json')]) {
      expect(text).not.toContain('330106198703020047');
      expect(text).not.toContain('ZY-2019-000731');
    }
  });

  it('without MRN_SYSTEM no record number', async () => {
    const r = await runBulkAudit({ dir: exportDir(), policy: DEFAULT_POLICY, now, deadlineDays: 7 });
    expect(r.missing.map((m) => m.mrn)).toEqual([null, null]);
    expect(formatBulkAudit(r, 'table')).toMatch(/Patient\/p-lin-fang\s+-\s+Patient\/p-lin-fang\|2025-09-20/);
  });
});
