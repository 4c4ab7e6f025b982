import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { EXTENSIONS, NOTICE_CATEGORY_CODE, SYSTEMS } from '../../src/clinical/codes.js';
import { COHORT, cohortResources } from './follow-up-cohort.js';

/**
 * Writes a realistic FHIR Bulk Data export (NDJSON, one file per type, Observation split in two)
 * of `patients` women and men, and returns the answer the audit must give as of `AS_OF`
 * (Asia/Shanghai). Most patients are pregnant and not indicated; known subsets are indicated
 * (AMA at EDD, AFI ≤ 5 cm, genetic family history, teratogen in the first trimester, some with two
 * indications); some of those have a notice Communication, some only a decoy (a draft, or one from
 * an earlier pregnancy); some are not currently pregnant; a few lines are malformed and a few
 * resources name no patient.
 *
 * The expected case statuses (docs/design.md#case-status, #bulk-indication-day) are computed here by
 * their definitions from what was generated, not by the audit's code: the pregnancy is first shown by
 * its EDD observation (the booking visit; the generated pregnancy Conditions are ICD-10 Z34.0, not
 * pregnancy evidence, and the episodes are finished); each rule is indicated on the later of its
 * evidence day and the booking day (advanced maternal age on the booking day), the case on the
 * earliest; due 7 days later; a notice by then is in time, after it late; no notice: `missing` once
 * the as-of day is after the due day, else `pending`.
 */
export const AS_OF = '2025-06-01';
export const TZ = 'Asia/Shanghai';

export interface ExpectedMissing {
  readonly patient: string;
  /** The export's women carry no record number of a configured system. */
  readonly mrn: null;
  readonly pregnancyKey: string;
  readonly rules: readonly string[];
  readonly firstEvidenceDate: string;
  readonly pregnancy: string;
  readonly edd: string;
  readonly dueBy: string;
  readonly status: 'pending' | 'missing';
}

export interface ExpectedAudit {
  readonly patients: number;
  readonly pregnantNow: number;
  readonly indicated: number;
  readonly withNotice: number;
  readonly notifiedInTime: number;
  readonly notifiedLate: number;
  /** Without a notice, by status. */
  readonly pending: number;
  readonly missingCount: number;
  readonly noticeNotCoveringAll: number;
  /** Every indicated pregnancy without a notice (pending and missing), as the report's `missing` list. */
  readonly missing: readonly ExpectedMissing[];
  readonly malformed: readonly { file: string; line: number }[];
  readonly unattributed: Readonly<Record<string, number>>;
  readonly lines: number;
}

const DAY = 86_400_000;
const dayNum = (d: string) => Date.parse(`${d}T00:00:00Z`) / DAY;
const dayStr = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);
const TODAY = dayNum(AS_OF);
const DEADLINE_DAYS = 7;

const cc = (system: string, code: string) => ({ coding: [{ system, code }] });
const quantity = (value: number, unit: string) => ({ value, unit, system: SYSTEMS.ucum, code: unit });

type Kind = 'baseline' | 'ama' | 'afi' | 'genetic' | 'teratogen' | 'ama+afi' | 'not-pregnant' | 'male';
const KINDS: readonly Kind[] = ['ama', 'afi', 'genetic', 'teratogen', 'ama+afi', 'not-pregnant', 'male'];

/** Deterministic kind of patient i: ~4% each indicated subset, 8% not pregnant, 2% male. */
function kindOf(i: number): Kind {
  const m = i % 100;
  if (m < 4) return 'ama';
  if (m < 8) return 'afi';
  if (m < 12) return 'genetic';
  if (m < 16) return 'teratogen';
  if (m < 18) return 'ama+afi';
  if (m < 26) return 'not-pregnant';
  if (m < 28) return 'male';
  return 'baseline';
}

const RULES: Record<Kind, readonly string[]> = {
  baseline: [],
  ama: ['ama'],
  afi: ['amniotic-fluid'],
  genetic: ['genetic-family-history'],
  teratogen: ['teratogen-exposure'],
  'ama+afi': ['ama', 'amniotic-fluid'],
  'not-pregnant': [],
  male: [],
};

class Writer {
  private readonly buf = new Map<string, string[]>();
  readonly lineCount = new Map<string, number>();
  constructor(private readonly dir: string) {}
  /** Appends a line; returns its 1-based line number in `file`. */
  line(file: string, text: string): number {
    const n = (this.lineCount.get(file) ?? 0) + 1;
    this.lineCount.set(file, n);
    let b = this.buf.get(file);
    if (!b) this.buf.set(file, (b = []));
    b.push(text);
    return n;
  }
  put(r: Resource, file = `${r.resourceType}.ndjson`): number {
    return this.line(file, JSON.stringify(r));
  }
  flush(): void {
    for (const [file, lines] of this.buf) if (lines.length > 0) appendFileSync(join(this.dir, file), `${lines.join('\n')}\n`);
    this.buf.clear();
  }
}

export interface GenerateOptions {
  /** Also write the follow-up cohort of ./follow-up-cohort.ts (a known funnel; counted in the expectations). */
  readonly followUp?: boolean;
}

export function generateExport(dir: string, patients: number, options: GenerateOptions = {}): ExpectedAudit {
  mkdirSync(dir, { recursive: true });
  const w = new Writer(dir);
  const missing: ExpectedMissing[] = [];
  const malformed: { file: string; line: number }[] = [];
  let pregnantNow = 0,
    indicated = 0,
    withNotice = 0,
    inTime = 0,
    late = 0,
    notCovering = 0,
    unattributedObs = 0;
  const noNotice = (patient: string, edd: string, rules: readonly string[], firstEvidenceDate: string, dueBy: number) =>
    missing.push({
      patient,
      mrn: null,
      pregnancyKey: `${patient}|${edd}`,
      rules: [...rules].sort(),
      firstEvidenceDate,
      pregnancy: `${patient}|${edd}`,
      edd,
      dueBy: dayStr(dueBy),
      status: TODAY > dueBy ? 'missing' : 'pending',
    });
  for (let i = 0; i < patients; i++) {
    const pid = `pt-${String(i).padStart(6, '0')}`;
    const kind = kindOf(i);
    const ref = i % 7 === 0 ? `https://ehr.example.org/fhir/Patient/${pid}` : `Patient/${pid}`;
    const subject = { reference: ref };
    const pregnant = kind !== 'not-pregnant' && kind !== 'male';
    const edd = pregnant ? TODAY + 20 + ((i * 37) % 130) : TODAY - 400 + (i % 60);
    const lmp = edd - 280;
    // The booking visit records the EDD; some women with a family history book late (in the last days: pending).
    const booked = kind === 'genetic' && i % 8 === 6 ? TODAY - (i % 5) : lmp + 70;
    const eddYear = Number(dayStr(edd).slice(0, 4));
    const old = kind === 'ama' || kind === 'ama+afi' || (kind === 'not-pregnant' && i % 2 === 0);
    const birthDate = `${eddYear - (old ? 37 : 24 + (i % 9))}-0${1 + (i % 9)}-1${i % 10}`;
    w.put({ resourceType: 'Patient', id: pid, gender: kind === 'male' ? 'male' : 'female', birthDate, name: [{ text: `患者${i}` }] });
    const eddObs = {
      resourceType: 'Observation',
      id: `edd-${i}`,
      status: 'final',
      subject,
      code: cc(SYSTEMS.loinc, '11778-8'),
      effectiveDateTime: dayStr(booked),
      valueDateTime: dayStr(edd),
    } as const;
    const obsFile = `Observation.00${i % 2}.ndjson`;
    if (kind !== 'male') w.put(eddObs, obsFile);
    const afiDay = lmp + 120; // ≤ today − 10 for a current pregnancy
    w.put(
      {
        resourceType: 'Observation',
        id: `bp-${i}`,
        status: 'final',
        subject,
        code: cc(SYSTEMS.loinc, '85354-9'),
        effectiveDateTime: dayStr(lmp + 90),
        component: [{ code: cc(SYSTEMS.loinc, '8480-6'), valueQuantity: quantity(110 + (i % 20), 'mm[Hg]') }],
      },
      obsFile,
    );
    w.put(
      {
        resourceType: 'Observation',
        id: `hb-${i}`,
        status: 'final',
        subject,
        code: cc(SYSTEMS.loinc, '718-7'),
        effectiveDateTime: dayStr(lmp + 60),
        valueQuantity: quantity(120 + (i % 15), 'g/L'),
      },
      obsFile,
    );
    if (kind !== 'male') {
      const low = kind === 'afi' || kind === 'ama+afi';
      w.put(
        {
          resourceType: 'Observation',
          id: `afi-${i}`,
          status: 'final',
          subject,
          code: cc(SYSTEMS.loinc, '11627-7'),
          effectiveDateTime: dayStr(afiDay),
          valueQuantity: low ? quantity(40 + (i % 10), 'mm') : quantity(12, 'cm'),
        },
        obsFile,
      );
    }
    if (kind === 'genetic' || (kind === 'not-pregnant' && i % 3 === 0)) {
      w.put({
        resourceType: 'FamilyMemberHistory',
        id: `fmh-${i}`,
        status: 'completed',
        patient: subject,
        date: '2020-03-01',
        relationship: cc(SYSTEMS.v3RoleCode, 'MTH'),
        condition: [{ code: cc(SYSTEMS.snomed, '41040004') }],
      });
    } else if (i % 5 === 0) {
      w.put({
        resourceType: 'FamilyMemberHistory',
        id: `fmh-${i}`,
        status: 'completed',
        patient: subject,
        date: '2019-01-01',
        relationship: cc(SYSTEMS.v3RoleCode, 'FTH'),
        condition: [{ code: cc(SYSTEMS.snomed, '38341003') }],
      });
    }
    if (kind === 'teratogen') {
      w.put({
        resourceType: 'MedicationStatement',
        id: `ms-${i}`,
        status: 'completed',
        subject,
        medicationCodeableConcept: cc(SYSTEMS.atc, 'D10BA01'),
        effectivePeriod: { start: dayStr(lmp + 10), end: dayStr(lmp + 40) },
      });
    } else if (i % 4 === 0) {
      w.put({
        resourceType: 'MedicationRequest',
        id: `mr-${i}`,
        status: 'completed',
        intent: 'order',
        subject,
        medicationCodeableConcept: cc(SYSTEMS.atc, 'B03AA07'),
        authoredOn: dayStr(lmp + 80),
      });
    }
    if (i % 3 === 0)
      w.put({
        resourceType: 'Condition',
        id: `cond-${i}`,
        subject,
        code: cc(SYSTEMS.icd10, 'Z34.0'),
        clinicalStatus: cc('http://terminology.hl7.org/CodeSystem/condition-clinical', 'active'),
        recordedDate: dayStr(lmp + 60),
      });
    if (i % 11 === 0)
      w.put({
        resourceType: 'EpisodeOfCare',
        id: `eoc-${i}`,
        status: 'finished',
        patient: subject,
        type: [cc(SYSTEMS.loinc, '00000-0')],
        period: { start: '2019-01-01', end: '2019-06-01' },
      });
    const rules = RULES[kind];
    if (pregnant) pregnantNow++;
    if (pregnant && rules.length > 0) {
      indicated++;
      const noticeRules = kind === 'ama+afi' && i % 2 === 0 ? rules.slice(0, 1) : rules;
      // Each rule's evidence day (AMA: the EDD observation); indicated no earlier than the booking.
      const evidence: Record<string, number> = {
        ama: booked,
        'amniotic-fluid': afiDay,
        'genetic-family-history': dayNum('2020-03-01'),
        'teratogen-exposure': lmp + 10,
      };
      const dueBy = Math.min(...rules.map((r) => Math.max(evidence[r]!, booked))) + DEADLINE_DAYS;
      const noticeDay = afiDay + 3;
      const variant = i % 4; // 0,1: notice; 2: no notice; 3: decoys only
      const notice = (status: string, sent: number, id: string) =>
        w.put({
          resourceType: 'Communication',
          id,
          status,
          subject,
          sent: `${dayStr(sent)}T10:00:00+08:00`,
          category: [cc(SYSTEMS.noticeCategory, NOTICE_CATEGORY_CODE)],
          extension: noticeRules.map((r) => ({ url: EXTENSIONS.noticeRules, valueCode: r })),
        } as Resource);
      if (variant <= 1) {
        notice('completed', noticeDay, `notice-${i}`);
        withNotice++;
        if (noticeDay <= dueBy) inTime++;
        else late++;
        if (noticeRules.length < rules.length) notCovering++;
      } else {
        if (variant === 3) {
          notice('in-progress', noticeDay, `draft-${i}`);
          notice('completed', lmp - 200, `old-${i}`);
        }
        noNotice(`Patient/${pid}`, dayStr(edd), rules, dayStr(Math.min(...rules.map((r) => evidence[r]!))), dueBy);
      }
    }
    if (i % 997 === 500) {
      malformed.push({ file: obsFile, line: w.line(obsFile, '{"resourceType":"Observation","id":"broken-' + i + '",') });
      malformed.push({ file: 'Condition.ndjson', line: w.line('Condition.ndjson', '[1,2,3]') });
      w.put(
        {
          resourceType: 'Observation',
          id: `orphan-${i}`,
          status: 'final',
          code: cc(SYSTEMS.loinc, '718-7'),
          valueQuantity: quantity(100, 'g/L'),
        },
        obsFile,
      );
      unattributedObs++;
    }
    if (i % 500 === 499) w.flush();
  }
  let cohort = 0;
  if (options.followUp) {
    for (const r of cohortResources()) w.put(r);
    cohort = COHORT.length;
    for (const c of COHORT) {
      if (!c.indicated) continue;
      pregnantNow++;
      indicated++;
      // Indicated (AMA) on the day her EDD was recorded, the first day her record shows the pregnancy.
      const dueBy = dayNum(c.indicated.day) + DEADLINE_DAYS;
      if (c.noticeDay) {
        withNotice++;
        if (dayNum(c.noticeDay) <= dueBy) inTime++;
        else late++;
      } else noNotice(`Patient/${c.id}`, c.indicated.edd, ['ama'], c.indicated.day, dueBy);
    }
  }
  w.flush();
  const lines = [...w.lineCount.values()].reduce((a, b) => a + b, 0);
  return {
    patients: patients + cohort,
    pregnantNow,
    indicated,
    withNotice,
    notifiedInTime: inTime,
    notifiedLate: late,
    pending: missing.filter((m) => m.status === 'pending').length,
    missingCount: missing.filter((m) => m.status === 'missing').length,
    noticeNotCoveringAll: notCovering,
    missing,
    malformed,
    unattributed: unattributedObs > 0 ? { Observation: unattributedObs } : {},
    lines,
  };
}

export { KINDS };
