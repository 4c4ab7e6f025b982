import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The four services (docs/design.md#services). */
export const SERVICE_IDS = [
  'prenatal-diagnosis-referral',
  'prenatal-diagnosis-referral-encounter',
  'nipt-order-check',
  'special-technique-order-sign',
] as const;
export type BenchServiceId = (typeof SERVICE_IDS)[number];

type Json = Record<string, unknown>;
interface Bundle {
  resourceType: 'Bundle';
  total?: number;
  entry?: { fullUrl?: string; resource: Json; search?: Json }[];
}
export interface HookBody extends Json {
  context: Json & { patientId: string };
  prefetch?: Record<string, Json | null>;
}

const EXAMPLES = fileURLToPath(new URL('../../../cds-hooks/examples/', import.meta.url));

/** The committed example request of a service (a pregnant woman: EDD, AFI, NT, BMI, family history, folic acid…). */
export function exampleRequest(id: BenchServiceId): HookBody {
  return JSON.parse(readFileSync(`${EXAMPLES}${id}.json`, 'utf8')) as HookBody;
}

const isBundle = (v: unknown): v is Bundle => typeof v === 'object' && v !== null && (v as Json).resourceType === 'Bundle';

/** Every resource in the prefetch (Bundle entries and single resources). */
export function prefetchResources(body: HookBody): Json[] {
  const out: Json[] = [];
  for (const v of Object.values(body.prefetch ?? {})) {
    if (isBundle(v)) for (const e of v.entry ?? []) out.push(e.resource);
    else if (v) out.push(v);
  }
  return out;
}

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
/** Routine antenatal observations: [LOINC, display, unit, base value, step]. */
const ROUTINE: readonly [string, string, string, number, number][] = [
  ['29463-7', 'Body weight', 'kg', 55, 0.4],
  ['8480-6', 'Systolic blood pressure', 'mm[Hg]', 112, 1],
  ['8462-4', 'Diastolic blood pressure', 'mm[Hg]', 70, 1],
  ['718-7', 'Hemoglobin [Mass/volume] in Blood', 'g/L', 118, 1],
  ['2345-7', 'Glucose [Mass/volume] in Serum or Plasma', 'mmol/L', 4.6, 0.1],
  ['8867-4', 'Heart rate', '/min', 78, 1],
  ['11881-0', 'Uterus Fundal height Tape measure', 'cm', 14, 0.5],
  ['55283-6', 'Fetal Heart rate', '/min', 140, 1],
];

function day(base: string, plus: number): string {
  const d = new Date(`${base}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + plus);
  return d.toISOString().slice(0, 10);
}

function routineObservation(patientId: string, i: number): Json {
  const [code, display, unit, base, step] = ROUTINE[i % ROUTINE.length] as (typeof ROUTINE)[number];
  return {
    resourceType: 'Observation',
    id: `obs-routine-${i}`,
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: LOINC, code, display }] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: `${day('2026-08-20', i % 94)}T09:00:00+08:00`,
    valueQuantity: { value: Math.round((base + step * (i % 7)) * 10) / 10, unit, system: UCUM, code: unit },
  };
}

const OTHER: Record<string, (patientId: string, i: number) => Json> = {
  conditions: (p, i) => ({
    resourceType: 'Condition',
    id: `cond-hist-${i}`,
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '54150009', display: 'Upper respiratory infection' }] },
    subject: { reference: `Patient/${p}` },
    onsetDateTime: day('2015-01-10', i * 37),
    abatementDateTime: day('2015-01-20', i * 37),
  }),
  medicationStatements: (p, i) => ({
    resourceType: 'MedicationStatement',
    id: `ms-hist-${i}`,
    status: 'completed',
    medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'A12AA04', display: 'calcium carbonate' }] },
    subject: { reference: `Patient/${p}` },
    effectivePeriod: { start: day('2026-08-20', i % 60), end: day('2026-09-20', i % 60) },
  }),
  diagnosticReports: (p, i) => ({
    resourceType: 'DiagnosticReport',
    id: `dr-cbc-${i}`,
    status: 'final',
    code: { coding: [{ system: LOINC, code: '58410-2', display: 'CBC panel' }] },
    subject: { reference: `Patient/${p}` },
    effectiveDateTime: `${day('2026-08-20', i % 94)}T08:00:00+08:00`,
    conclusion: '血常规未见异常',
  }),
};

/**
 * The example request padded with routine antenatal data to `target` resources in the prefetch:
 * ~85 % routine Observations, the rest historical Conditions, MedicationStatements and
 * DiagnosticReports (where the service prefetches those keys). Deterministic ids.
 */
export function paddedRequest(id: BenchServiceId, target: number): HookBody {
  const body = exampleRequest(id);
  const patientId = body.context.patientId;
  const add = Math.max(0, target - prefetchResources(body).length);
  const others = Object.keys(OTHER).filter((k) => isBundle(body.prefetch?.[k]));
  const otherEach = Math.floor((add * 0.15) / Math.max(others.length, 1));
  const push = (key: string, resources: Json[]): void => {
    const b = body.prefetch?.[key];
    if (!isBundle(b)) return;
    b.entry = [
      ...(b.entry ?? []),
      ...resources.map((r) => ({
        fullUrl: `https://ehr.example.cn/fhir/${String(r.resourceType)}/${String(r.id)}`,
        resource: r,
        search: { mode: 'match' },
      })),
    ];
    b.total = b.entry.length;
  };
  for (const k of others)
    push(
      k,
      Array.from({ length: otherEach }, (_, i) => (OTHER[k] as (p: string, i: number) => Json)(patientId, i)),
    );
  push(
    'observations',
    Array.from({ length: add - otherEach * others.length }, (_, i) => routineObservation(patientId, i)),
  );
  return body;
}

/** The same hook call without prefetch: everything is fetched from `fhirServer` (fallback path). */
export function fallbackRequest(id: BenchServiceId, fhirServer: string): HookBody {
  const body = exampleRequest(id);
  delete body.prefetch;
  return { ...body, fhirServer };
}
