import type {
  CodeableConcept,
  Coding,
  Condition,
  DiagnosticReport,
  EpisodeOfCare,
  FamilyMemberHistory,
  MedicationRequest,
  MedicationStatement,
  Observation,
  Patient,
  Quantity,
  Resource,
} from '@medplum/fhirtypes';
import { clinicalNowAt, type ClinicalNow } from '../../src/clock.js';
import { SYSTEMS } from '../../src/clinical/codes.js';
import { derivePregnancyFacts } from '../../src/clinical/pregnancy/derive-facts.js';
import { DEFAULT_POLICY, parsePolicy, type Policy, type PolicyOverrides } from '../../src/clinical/policy.js';
import type { PregnancyFacts } from '../../src/clinical/finding-params.js';
import type { Rule, RuleOutcome } from '../../src/engine/rule.js';
import { createSnapshot, type PatientSnapshot } from '../../src/fhir/snapshot.js';

/**
 * Small typed builders of realistic FHIR R4 resources for the clinical tests. The reference case:
 * today 2025-06-01 in Asia/Shanghai, best EDD 2025-10-01 ⇒ LMP 2024-12-25, GA 22+4; first
 * trimester 2024-12-25 .. 2025-04-01 (13+6).
 */
export const PID = 'p1';
export const TZ = 'Asia/Shanghai';
export const TODAY = '2025-06-01';
export const EDD = '2025-10-01';
export const LMP = '2024-12-25';
export const SUBJECT = { reference: `Patient/${PID}` };

/** Noon in Shanghai on `day` (04:00Z). */
export function nowOn(day = TODAY, timeZone = TZ): ClinicalNow {
  return clinicalNowAt(new Date(`${day}T04:00:00Z`), timeZone);
}

let seq = 0;
const nextId = (prefix: string) => `${prefix}-${++seq}`;

export const code = (system: string, c: string, display?: string): Coding => (display ? { system, code: c, display } : { system, code: c });
export const loinc = (c: string) => code(SYSTEMS.loinc, c);
export const sct = (c: string) => code(SYSTEMS.snomed, c);
export const icd = (c: string) => code(SYSTEMS.icd10, c);
export const local = (c: string) => code(SYSTEMS.prenatalObservation, c);
export const atc = (c: string) => code(SYSTEMS.atc, c);
export const cc = (...coding: Coding[]): CodeableConcept => ({ coding });
export const ucum = (value: number, unit: string): Quantity => ({ value, unit, system: SYSTEMS.ucum, code: unit });
export const interp = (c: string): CodeableConcept => cc(code(SYSTEMS.v3Interpretation, c));

export function patient(over: Partial<Patient> = {}): Patient {
  return { resourceType: 'Patient', id: PID, gender: 'female', birthDate: '1995-05-05', name: [{ text: '张三' }], ...over };
}

type ObsOpts = Partial<Observation> & { date?: string };

/** An Observation about the patient, final, effective on `date` (default: 2025-05-20). */
export function observation(coding: Coding, value: Partial<Observation>, opts: ObsOpts = {}): Observation {
  const { date = '2025-05-20', ...rest } = opts;
  return {
    resourceType: 'Observation',
    id: nextId('obs'),
    status: 'final',
    subject: SUBJECT,
    code: cc(coding),
    effectiveDateTime: date,
    ...value,
    ...rest,
  };
}

export const eddObs = (edd: string, opts: ObsOpts & { loincCode?: string } = {}) => {
  const { loincCode = '11778-8', ...rest } = opts;
  return observation(loinc(loincCode), { valueDateTime: edd }, { date: '2025-03-01', ...rest });
};
export const afi = (value: number, unit = 'cm', opts: ObsOpts = {}) =>
  observation(loinc('11627-7'), { valueQuantity: ucum(value, unit) }, opts);
export const dvp = (value: number, unit = 'cm', opts: ObsOpts = {}) =>
  observation(loinc('11832-3'), { valueQuantity: ucum(value, unit) }, opts);
export const nt = (mm: number, opts: ObsOpts = {}) =>
  observation(local('nt-mm'), { valueQuantity: ucum(mm, 'mm') }, { date: '2025-03-10', ...opts });
export const risk = (localCode: string, value: Partial<Observation>, opts: ObsOpts = {}) =>
  observation(local(localCode), value, { date: '2025-04-10', ...opts });

export function condition(coding: Coding, opts: Partial<Condition> = {}): Condition {
  return {
    resourceType: 'Condition',
    id: nextId('cond'),
    subject: SUBJECT,
    code: cc(coding),
    clinicalStatus: cc(code('http://terminology.hl7.org/CodeSystem/condition-clinical', 'active')),
    verificationStatus: cc(code('http://terminology.hl7.org/CodeSystem/condition-ver-status', 'confirmed')),
    recordedDate: '2025-05-01',
    ...opts,
  };
}
export const verification = (c: string) => cc(code('http://terminology.hl7.org/CodeSystem/condition-ver-status', c));
export const clinical = (c: string) => cc(code('http://terminology.hl7.org/CodeSystem/condition-clinical', c));

export function report(conclusion: Coding, opts: Partial<DiagnosticReport> = {}): DiagnosticReport {
  return {
    resourceType: 'DiagnosticReport',
    id: nextId('dr'),
    status: 'final',
    subject: SUBJECT,
    code: cc(loinc('11525-3')),
    effectiveDateTime: '2025-05-15',
    conclusion: '超声提示胎儿异常',
    conclusionCode: [cc(conclusion)],
    ...opts,
  };
}

export function familyHistory(relationship: string, condition: Coding, opts: Partial<FamilyMemberHistory> = {}): FamilyMemberHistory {
  return {
    resourceType: 'FamilyMemberHistory',
    id: nextId('fmh'),
    status: 'completed',
    patient: SUBJECT,
    date: '2020-03-01',
    relationship: cc(code(SYSTEMS.v3RoleCode, relationship)),
    condition: [{ code: cc(condition) }],
    ...opts,
  };
}

export function medStatement(med: Coding, opts: Partial<MedicationStatement> = {}): MedicationStatement {
  return {
    resourceType: 'MedicationStatement',
    id: nextId('ms'),
    status: 'completed',
    subject: SUBJECT,
    medicationCodeableConcept: cc(med),
    ...opts,
  };
}

export function medRequest(med: Coding, opts: Partial<MedicationRequest> = {}): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id: nextId('mr'),
    status: 'completed',
    intent: 'order',
    subject: SUBJECT,
    medicationCodeableConcept: cc(med),
    ...opts,
  };
}

export function episode(typeCode: Coding, status: EpisodeOfCare['status'] = 'active'): EpisodeOfCare {
  return {
    resourceType: 'EpisodeOfCare',
    id: nextId('eoc'),
    status,
    patient: SUBJECT,
    type: [cc(typeCode)],
    period: { start: '2025-01-20' },
  };
}

/** A frozen snapshot of the patient (overridable) and the resources. */
export function snapshotOf(resources: readonly Resource[], pat: Patient | null = patient()): PatientSnapshot {
  return createSnapshot({ patientId: PID, resources: pat ? [pat, ...resources] : [...resources] });
}

/** A pregnant woman (clinical EDD 2025-10-01 recorded 2025-03-01) plus `resources`. */
export function pregnant(resources: readonly Resource[] = [], pat: Patient = patient()): PatientSnapshot {
  return snapshotOf([eddObs(EDD), ...resources], pat);
}

export function policy(over: PolicyOverrides = {}): Policy {
  return Object.keys(over).length === 0 ? DEFAULT_POLICY : parsePolicy(over);
}

/** Derives facts and runs one rule, as the engine does. */
export function run(
  rule: Rule<PregnancyFacts>,
  snapshot: PatientSnapshot,
  pol: Policy = DEFAULT_POLICY,
  now: ClinicalNow = nowOn(),
): RuleOutcome {
  const facts = derivePregnancyFacts(snapshot, pol, now);
  return rule.evaluate({ snapshot, facts, policy: pol, now });
}

/** The params of the single finding of a fired outcome (throws otherwise, failing the test). */
export function paramsOf(o: RuleOutcome): Record<string, unknown> {
  if (o.status !== 'fired') throw new Error(`expected fired, got ${JSON.stringify(o)}`);
  if (o.findings.length !== 1) throw new Error(`expected one finding, got ${o.findings.length}`);
  return o.findings[0]!.params as Record<string, unknown>;
}
