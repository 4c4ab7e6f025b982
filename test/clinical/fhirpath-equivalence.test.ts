/**
 * Each accessor of src/clinical/data-elements/concepts.ts returns what fhirpath.js (R4 model)
 * returns for the FHIRPath expression it stands for, kept to objects: checked on every resource of
 * the accessor's types in the committed example requests, the FHIR profile examples, the bench
 * records and the clinical / referral / NIPT fixture builders, and on generated odd shapes of FHIR
 * JSON (missing members, nulls, empty, nested and misplaced arrays, primitives where objects
 * belong, two value[x] at once, primitive `_x` siblings). fhirpath.js annotates what it is given:
 * it is run on a clone, the accessors on the deep-frozen original.
 *
 * Outside FHIR JSON (`_x` beside a complex element, `resourceType` inside a data type) fhirpath.js
 * follows its model where the accessors read the members as typed; the last test lists how.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4';
import type { CodeableConcept, Observation, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import * as C from '../../src/clinical/data-elements/concepts.js';
import { deepFreeze } from '../../src/deep-freeze.js';
import { paddedRequest, prefetchResources, SERVICE_IDS } from '../bench/lib/records.js';
import * as F from './fixtures.js';
import { patient as referralPatient } from '../referral/fixtures.js';
import { niptOrder, cbcOrder, diagnosisOrg, screeningOrg, cooperation, roleAt, scenario } from '../nipt/support.js';

type Accessor = (resource: never) => readonly CodeableConcept[];

/** Accessor → the FHIRPath expression it stands for, and the resource types it is given. */
const ACCESSORS: readonly { name: string; at: Accessor; expression: string; types: readonly string[] }[] = [
  { name: 'codes', at: C.codes, expression: 'code', types: ['Condition', 'Observation', 'Procedure', 'DiagnosticReport'] },
  { name: 'categories', at: C.categories, expression: 'category', types: ['Condition', 'Observation', 'DiagnosticReport'] },
  { name: 'valueConcepts', at: C.valueConcepts, expression: 'value.ofType(CodeableConcept)', types: ['Observation'] },
  { name: 'componentCodes', at: C.componentCodes, expression: 'Observation.component.code', types: ['Observation'] },
  { name: 'interpretations', at: C.interpretations, expression: 'Observation.interpretation', types: ['Observation'] },
  { name: 'conclusionCodes', at: C.conclusionCodes, expression: 'DiagnosticReport.conclusionCode', types: ['DiagnosticReport'] },
  {
    name: 'familyConditionCodes',
    at: C.familyConditionCodes,
    expression: 'FamilyMemberHistory.condition.code',
    types: ['FamilyMemberHistory'],
  },
  { name: 'relationships', at: C.relationships, expression: 'FamilyMemberHistory.relationship', types: ['FamilyMemberHistory'] },
  { name: 'episodeTypes', at: C.episodeTypes, expression: 'EpisodeOfCare.type', types: ['EpisodeOfCare'] },
  {
    name: 'medicationCodes',
    at: C.medicationCodes,
    expression: 'medication.ofType(CodeableConcept)',
    types: ['MedicationStatement', 'MedicationRequest'],
  },
];

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);

/** fhirpath.js on a clone (it annotates its input), kept to objects. */
function reference(expression: string, resource: unknown): unknown[] {
  const result = fhirpath.evaluate(structuredClone(resource) as object, expression, undefined, r4Model) as unknown[];
  return result.filter(isObject);
}

const typeOf = (r: unknown): unknown => (isObject(r) ? (r as { resourceType?: unknown }).resourceType : undefined);

/** Every object with a resourceType inside `v` (bundles, contained, draft orders…), and `v` itself. */
function collect(v: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(v)) for (const x of v) collect(x, out);
  else if (isObject(v)) {
    if ('resourceType' in v) out.push(v);
    for (const x of Object.values(v)) collect(x, out);
  }
  return out;
}

function jsonFiles(dir: string): unknown[] {
  const path = fileURLToPath(new URL(dir, import.meta.url));
  return readdirSync(path)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path + f, 'utf8')) as unknown);
}

function fixtureResources(): unknown[] {
  const out: unknown[] = [];
  for (const dir of ['../../cds-hooks/examples/', '../../fhir-profiles/examples/valid/', '../../fhir-profiles/examples/invalid/'])
    collect(jsonFiles(dir), out);
  for (const id of SERVICE_IDS) out.push(...prefetchResources(paddedRequest(id, 200)));
  const c = F.cc(F.sct('59566000'), F.icd('O35.1'));
  out.push(
    F.patient(),
    referralPatient(),
    F.eddObs('2025-10-01'),
    F.afi(1.5),
    F.dvp(9),
    F.nt(3.5),
    F.risk('t21-risk', { valueString: '1/50' }),
    F.risk('t21-risk', { valueCodeableConcept: c, interpretation: [F.interp('H'), F.interp('A')] }),
    F.observation(F.loinc('11627-7'), { valueCodeableConcept: c, valueQuantity: F.ucum(1, 'cm') }),
    F.observation(F.loinc('11627-7'), {
      component: [{ code: { ...F.cc(F.loinc('11627-7')), text: '胎儿A' }, valueQuantity: F.ucum(4, 'cm') }],
    }),
    F.afi(4, 'cm', { date: '1985-02-30', interpretation: [F.interp('H')], valueCodeableConcept: { text: 'x' } }),
    F.condition(F.icd('O35.1'), { verificationStatus: F.verification('confirmed'), clinicalStatus: F.clinical('active') }),
    F.report(F.sct('59566000')),
    F.familyHistory('MTH', F.sct('41040004')),
    F.medStatement(F.atc('N03AG01')),
    F.medRequest(F.atc('D10BA01')),
    F.medRequest(F.atc('D10BA01'), { medicationReference: { reference: 'Medication/m1' } }),
    F.episode(F.sct('77386006')),
    {
      resourceType: 'Procedure',
      id: 'proc-1',
      status: 'completed',
      subject: F.SUBJECT,
      code: { coding: [F.sct('446522006')] },
      performedDateTime: '2025-05-01',
    },
    {
      resourceType: 'Procedure',
      id: 'proc-2',
      status: 'completed',
      subject: F.SUBJECT,
      code: { coding: [F.sct('446522006')], text: 'x' },
      performedPeriod: { start: '2025-05' },
    },
    niptOrder(),
    cbcOrder(),
    diagnosisOrg(),
    screeningOrg('org-s', [cooperation('org-hz-mch', '2024-01-01')]),
    roleAt('org-hz-mch'),
  );
  for (const s of [F.pregnant([F.afi(1.2)]), scenario()]) {
    for (const t of [
      'Observation',
      'Condition',
      'DiagnosticReport',
      'FamilyMemberHistory',
      'MedicationStatement',
      'MedicationRequest',
      'EpisodeOfCare',
      'Procedure',
    ] as const) {
      out.push(...s.ofType(t));
    }
  }
  return out;
}

/** Seeded PRNG (mulberry32) so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [
  'code',
  'category',
  'value',
  'valueCodeableConcept',
  'valueQuantity',
  'valueString',
  'valueBoolean',
  'valueInteger',
  'valueRange',
  'valueReference',
  'valueDateTime',
  'interpretation',
  'component',
  'conclusionCode',
  'condition',
  'relationship',
  'type',
  'medication',
  'medicationCodeableConcept',
  'medicationReference',
  'Observation',
  'DiagnosticReport',
  'FamilyMemberHistory',
  'EpisodeOfCare',
  'coding',
  'text',
  'contained',
  'extension',
  'resourceType',
];
/** The KEYS that are primitives wherever they are R4 members: the only ones with a `_x` sibling in FHIR JSON. */
const PRIMITIVE = new Set(['valueString', 'valueBoolean', 'valueInteger', 'valueDateTime']);

function oddValue(r: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const concept = () => ({
    coding: [{ system: pick(['http://loinc.org', 'http://snomed.info/sct']), code: pick(['1', '2', '59566000']) }],
    text: pick(['a', 'b']),
  });
  switch (Math.floor(r() * (depth > 2 ? 11 : 14))) {
    case 0:
      return concept();
    case 1:
      return [concept(), concept()];
    case 2:
      return [];
    case 3:
      return null;
    case 4:
      return pick(['abc', '', 'O35.1', '2025-02-30', '2025-05-01T10:00:00+08:00']);
    case 5:
      return pick([0, 1, 1.5, -2]);
    case 6:
      return pick([true, false]);
    case 7:
      return [null, concept()];
    case 8:
      return [{ extension: [{ url: 'u', valueString: 'x' }] }];
    case 9:
      return [[concept()], concept()];
    case 10:
      return pick([
        { code: oddValue(r, depth + 1) },
        [{ code: oddValue(r, depth + 1) }, {}],
        [{ code: [concept(), null, 'x'] }, null, { code: { code: concept() } }],
      ]);
    case 11:
      return oddObject(r, depth + 1);
    case 12:
      return [oddObject(r, depth + 1), 3, 'x'];
    default:
      return { ...oddObject(r, depth + 1), resourceType: pick(['Observation', 'CodeableConcept', 'code', 'DeviceRequest']) };
  }
}

function oddObject(r: () => number, depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i += 1) {
    const k = KEYS[Math.floor(r() * KEYS.length)] as string;
    o[r() < 0.15 ? `_${k}` : k] = oddValue(r, depth);
  }
  return o;
}

/** FHIR JSON as far as these paths go: `_x` only beside primitives, `resourceType` only at the root. */
function fhirJson(v: unknown, root = true): boolean {
  if (Array.isArray(v)) return v.every((x) => fhirJson(x, false));
  if (!isObject(v)) return true;
  return Object.entries(v).every(
    ([k, x]) => (k === 'resourceType' ? root : !k.startsWith('_') || PRIMITIVE.has(k.slice(1))) && fhirJson(x, false),
  );
}

/** The members each type's accessors read (or choose between), generated more often. */
const MEMBERS: Readonly<Record<string, readonly string[]>> = {
  Observation: ['code', 'valueQuantity', 'valueCodeableConcept', 'valueString', 'interpretation', 'component'],
  Condition: ['code'],
  Procedure: ['code'],
  DiagnosticReport: ['conclusionCode'],
  FamilyMemberHistory: ['condition', 'relationship'],
  EpisodeOfCare: ['type'],
  MedicationStatement: ['medicationCodeableConcept', 'medicationReference'],
  MedicationRequest: ['medicationCodeableConcept', 'medicationReference'],
};

/** Generated shapes of each accessor's resource types: FHIR JSON ones and the others. */
function oddResources(count: number): { fhir: Record<string, unknown>[]; other: Record<string, unknown>[] } {
  const r = rng(20250601);
  const fhir: Record<string, unknown>[] = [];
  const other: Record<string, unknown>[] = [];
  const types = [...new Set(ACCESSORS.flatMap((a) => a.types))];
  for (let i = 0; i < count; i += 1) {
    const type = types[i % types.length] as string;
    const o: Record<string, unknown> = { ...oddObject(r, 0), resourceType: type };
    for (const m of MEMBERS[type] ?? []) if (r() < 0.4) o[m] = oddValue(r, 1);
    (fhirJson(o) ? fhir : other).push(o);
  }
  // Hand-written FHIR JSON shapes of interest.
  const cc = { coding: [{ system: 'http://snomed.info/sct', code: '1' }] };
  fhir.push(
    { resourceType: 'Observation', valueQuantity: { value: 1 }, valueCodeableConcept: cc },
    { resourceType: 'Observation', valueQuantity: null, valueCodeableConcept: cc },
    { resourceType: 'Observation', valueCodeableConcept: cc, valueString: 'x' },
    { resourceType: 'Observation', valueCodeableConcept: cc, _valueString: { extension: [] } },
    { resourceType: 'Observation', _valueString: { extension: [] } },
    { resourceType: 'Observation', valueCodeableConcept: [cc, null, [cc], 'x', cc] },
    { resourceType: 'Observation', valueCodeableConcept: null },
    { resourceType: 'Observation', value: cc },
    { resourceType: 'Observation', code: null },
    { resourceType: 'Observation', code: [] },
    { resourceType: 'Observation', interpretation: cc },
    { resourceType: 'Observation', component: [{}, { code: cc }, null, 7, 'x', [{ code: cc }], { code: [cc, cc] }] },
    { resourceType: 'Observation', component: { code: cc } },
    { resourceType: 'Condition', Observation: { interpretation: [cc] } },
    { resourceType: 'FamilyMemberHistory', condition: [{}, { code: cc }, null, 7, 'x', [{ code: cc }], { code: [cc, cc] }] },
    { resourceType: 'FamilyMemberHistory', condition: { code: cc } },
    { resourceType: 'FamilyMemberHistory', condition: [] },
    { resourceType: 'MedicationStatement', medicationReference: { reference: 'Medication/1' }, medicationCodeableConcept: cc },
    { resourceType: 'MedicationRequest', medicationReference: { reference: 'Medication/1' } },
    { resourceType: 'MedicationRequest', medication: cc },
  );
  return { fhir, other };
}

/** Checks the accessors on every resource of their types; how many non-empty answers each gave. */
function expectSame(resources: readonly unknown[], accessors = ACCESSORS): Record<string, number> {
  const nonEmpty: Record<string, number> = {};
  for (const a of accessors) {
    nonEmpty[a.name] = 0;
    for (const res of resources) {
      if (!a.types.includes(typeOf(res) as string)) continue;
      const want = reference(a.expression, res);
      const frozen = deepFreeze(structuredClone(res)) as never;
      const got = a.at(frozen);
      expect(got, `${a.name} of ${JSON.stringify(res)}`).toEqual(want);
      if (got.length) nonEmpty[a.name] = (nonEmpty[a.name] ?? 0) + 1;
    }
  }
  return nonEmpty;
}

describe('the concept accessors ≡ fhirpath.js evaluation of their FHIRPath', () => {
  it('on every example request, profile example, bench record and fixture builder resource', () => {
    const rs = fixtureResources();
    for (const a of ACCESSORS)
      for (const t of a.types)
        expect(
          rs.some((r) => typeOf(r) === t),
          `${a.name}: no ${t} fixture`,
        ).toBe(true);
    expect(rs.length).toBeGreaterThan(300);
    const nonEmpty = expectSame(rs);
    for (const a of ACCESSORS) expect(nonEmpty[a.name], a.name).toBeGreaterThan(0);
  });

  it('on generated odd shapes of FHIR JSON', () => {
    const { fhir, other } = oddResources(20000);
    expect(fhir.length).toBeGreaterThan(3000);
    const nonEmpty = expectSame(fhir);
    for (const a of ACCESSORS) expect(nonEmpty[a.name], a.name).toBeGreaterThan(30);
    // Outside FHIR JSON too, for the paths of one member: no choice, no ofType, no second step.
    const single = ACCESSORS.filter((a) =>
      ['codes', 'interpretations', 'conclusionCodes', 'relationships', 'episodeTypes'].includes(a.name),
    );
    expect(other.length).toBeGreaterThan(3000);
    expectSame(other, single);
  });

  it('returns the objects of the resource (no copy), reading it only (it may be frozen)', () => {
    const cc = { coding: [{ system: 'http://loinc.org', code: '1' }] };
    const r = deepFreeze({
      resourceType: 'Observation',
      status: 'final',
      code: cc,
      valueCodeableConcept: cc,
      interpretation: [cc],
    }) as unknown as Observation;
    expect(C.codes(r)[0]).toBe(cc);
    expect(C.valueConcepts(r)[0]).toBe(cc);
    expect(C.interpretations(r)[0]).toBe(cc);
  });

  it('outside FHIR JSON, reads the members as typed where fhirpath.js follows its model', () => {
    const cc = { coding: [{ system: 'http://snomed.info/sct', code: '1' }] };
    const cases: { at: Accessor; expression: string; resource: Resource; fhirpath: number; accessor: number }[] = [
      // A `_x` sibling of a complex member makes it present for choice selection; here valueQuantity.
      {
        at: C.valueConcepts,
        expression: 'value.ofType(CodeableConcept)',
        resource: { resourceType: 'Observation', _valueQuantity: {}, valueCodeableConcept: cc } as never,
        fhirpath: 0,
        accessor: 1,
      },
      // A condition with no `code`: fhirpath.js reads `code` of the `_condition` item at its index.
      {
        at: C.familyConditionCodes,
        expression: 'FamilyMemberHistory.condition.code',
        resource: { resourceType: 'FamilyMemberHistory', condition: [{}], _condition: [{ code: cc }] } as never,
        fhirpath: 1,
        accessor: 0,
      },
      // A `resourceType` types the element by it: not a CodeableConcept for ofType…
      {
        at: C.valueConcepts,
        expression: 'value.ofType(CodeableConcept)',
        resource: { resourceType: 'Observation', valueCodeableConcept: { ...cc, resourceType: 'Condition' } } as never,
        fhirpath: 0,
        accessor: 1,
      },
      // …and a condition item named `code` is its own `code`.
      {
        at: C.familyConditionCodes,
        expression: 'FamilyMemberHistory.condition.code',
        resource: { resourceType: 'FamilyMemberHistory', condition: [{ resourceType: 'code' }] } as never,
        fhirpath: 1,
        accessor: 0,
      },
    ];
    for (const c of cases) {
      expect(reference(c.expression, c.resource), JSON.stringify(c.resource)).toHaveLength(c.fhirpath);
      expect(c.at(deepFreeze(structuredClone(c.resource)) as never), JSON.stringify(c.resource)).toHaveLength(c.accessor);
    }
  });
});
