/**
 * The direct member access of src/clinical/data-elements/fhirpath.ts is the same function as the
 * fhirpath.js evaluation it replaced (compile once against R4, evaluate on a structured clone, keep
 * objects, empty on error): checked over every committed example request, the bench records, the
 * clinical / NIPT fixture builders, and many generated odd shapes (missing members, `_x`
 * primitive-extension siblings, several value[x] at once, nulls, empty and nested arrays, numbers,
 * wrong root types, nested resourceTypes).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4';
import type { CodeableConcept, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { conceptsAt, conceptsAtOnce, EXPRESSIONS, type ConceptPath } from '../../src/clinical/data-elements/fhirpath.js';
import { deepFreeze } from '../../src/deep-freeze.js';
import { paddedRequest, prefetchResources, SERVICE_IDS } from '../bench/lib/records.js';
import * as F from './fixtures.js';
import { niptOrder, cbcOrder, diagnosisOrg, screeningOrg, cooperation, roleAt, scenario } from '../nipt/support.js';

type Compiled = (resource: unknown) => unknown[];
const REFERENCE = Object.fromEntries(
  Object.entries(EXPRESSIONS).map(([k, e]) => [k, fhirpath.compile(e, r4Model) as unknown as Compiled]),
) as Record<ConceptPath, Compiled>;

/** The previous implementation, verbatim in behaviour. */
function reference(path: ConceptPath, resource: unknown): CodeableConcept[] {
  try {
    return REFERENCE[path](structuredClone(resource)).filter((v): v is CodeableConcept => typeof v === 'object' && v !== null && !Array.isArray(v));
  } catch {
    return [];
  }
}

const PATHS = Object.keys(EXPRESSIONS) as ConceptPath[];

/** Every object with a resourceType inside `v` (bundles, contained, draft orders…), and `v` itself. */
function collect(v: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(v)) for (const x of v) collect(x, out);
  else if (typeof v === 'object' && v !== null) {
    if ('resourceType' in v) out.push(v);
    for (const x of Object.values(v)) collect(x, out);
  }
  return out;
}

function fixtureResources(): unknown[] {
  const out: unknown[] = [];
  const examples = fileURLToPath(new URL('../../cds-hooks/examples/', import.meta.url));
  for (const f of readdirSync(examples)) if (f.endsWith('.json')) collect(JSON.parse(readFileSync(examples + f, 'utf8')), out);
  for (const id of SERVICE_IDS) out.push(...prefetchResources(paddedRequest(id, 200)));
  const c = F.cc(F.sct('59566000'), F.icd('O35.1'));
  out.push(
    F.patient(), F.eddObs('2025-10-01'), F.afi(1.5), F.dvp(9), F.nt(3.5), F.risk('t21-risk', { valueString: '1/50' }),
    F.risk('t21-risk', { valueCodeableConcept: c, interpretation: [F.interp('H'), F.interp('A')] }),
    F.observation(F.loinc('11627-7'), { valueCodeableConcept: c, valueQuantity: F.ucum(1, 'cm') }),
    F.condition(F.icd('O35.1'), { verificationStatus: F.verification('confirmed'), clinicalStatus: F.clinical('active') }),
    F.report(F.sct('59566000')), F.familyHistory('MTH', F.sct('41040004')), F.medStatement(F.atc('N03AG01')),
    F.medRequest(F.atc('D10BA01')), F.episode(F.sct('77386006')),
    niptOrder(), cbcOrder(), diagnosisOrg(), screeningOrg('org-s', [cooperation('org-hz-mch', '2024-01-01')]), roleAt('org-hz-mch'),
  );
  for (const s of [F.pregnant([F.afi(1.2)]), scenario()]) {
    for (const t of ['Observation', 'Condition', 'DiagnosticReport', 'FamilyMemberHistory', 'MedicationStatement', 'MedicationRequest', 'EpisodeOfCare', 'Procedure', 'ServiceRequest', 'Patient'] as const) {
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

const TYPES = ['Observation', 'Condition', 'DiagnosticReport', 'FamilyMemberHistory', 'EpisodeOfCare', 'MedicationStatement', 'MedicationRequest', 'MedicationAdministration', 'Procedure', 'Patient', 'CodeableConcept', 'code', 'X', '', undefined];
const KEYS = [
  'code', 'value', 'valueCodeableConcept', 'valueQuantity', 'valueString', 'valueBoolean', 'valueInteger', 'valueRange', 'valueReference',
  'interpretation', 'conclusionCode', 'condition', 'relationship', 'type', 'medication', 'medicationCodeableConcept', 'medicationReference',
  'Observation', 'DiagnosticReport', 'FamilyMemberHistory', 'EpisodeOfCare', 'coding', 'text', 'resourceType', 'contained', 'extension',
];

function oddValue(r: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const concept = () => ({ coding: [{ system: pick(['http://loinc.org', 'http://snomed.info/sct']), code: pick(['1', '2', '59566000']) }], text: pick(['a', 'b']) });
  switch (Math.floor(r() * (depth > 2 ? 9 : 13))) {
    case 0: return concept();
    case 1: return [concept(), concept()];
    case 2: return [];
    case 3: return null;
    case 4: return pick(['abc', '', 'O35.1']);
    case 5: return pick([0, 1, 1.5, -2]);
    case 6: return pick([true, false]);
    case 7: return [null, concept()];
    case 8: return [{ extension: [{ url: 'u', valueString: 'x' }] }];
    case 9: return [[concept()], concept()];
    case 10: return oddObject(r, depth + 1);
    case 11: return [oddObject(r, depth + 1), 3, 'x'];
    default: return { ...oddObject(r, depth + 1), resourceType: pick(TYPES) };
  }
}

function oddObject(r: () => number, depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i += 1) {
    const k = KEYS[Math.floor(r() * KEYS.length)] as string;
    o[r() < 0.2 ? `_${k}` : k] = oddValue(r, depth);
  }
  return o;
}

function oddResources(count: number): unknown[] {
  const r = rng(20250601);
  const out: unknown[] = [];
  for (let i = 0; i < count; i += 1) {
    const o = oddObject(r, 0);
    const t = TYPES[Math.floor(r() * TYPES.length)];
    if (t !== undefined) o.resourceType = t;
    out.push(o);
  }
  // Hand-written shapes of interest.
  const cc = { coding: [{ system: 'http://snomed.info/sct', code: '1' }] };
  out.push(
    { resourceType: 'Observation', valueQuantity: { value: 1 }, valueCodeableConcept: cc },
    { resourceType: 'Observation', valueCodeableConcept: cc, valueString: 'x' },
    { resourceType: 'Observation', _valueCodeableConcept: { extension: [] }, valueString: 'x' },
    { resourceType: 'Observation', _valueQuantity: { extension: [] }, valueCodeableConcept: cc },
    { resourceType: 'Observation', value: cc },
    { resourceType: 'Observation', code: null, _code: { extension: [] } },
    { resourceType: 'Observation', _code: [{ coding: [] }, cc] },
    { resourceType: 'Observation', code: [cc], _code: [null, cc] },
    { resourceType: 'Condition', Observation: { interpretation: [cc] } },
    { resourceType: 'Condition', _Observation: { interpretation: [cc] } },
    { resourceType: 'FamilyMemberHistory', condition: [{}], _condition: [{ code: cc }] },
    { resourceType: 'FamilyMemberHistory', condition: null, _condition: [{ code: cc }, { code: [cc, cc] }] },
    { resourceType: 'FamilyMemberHistory', condition: [{ code: cc }, { code: { ...cc, resourceType: 'code' } }, 7, 'x', [{ code: cc }]] },
    { resourceType: 'MedicationStatement', medicationReference: { reference: 'Medication/1' }, medicationCodeableConcept: cc },
    { resourceType: 'MedicationRequest', medication: cc },
    { resourceType: 'Procedure', code: { ...cc, resourceType: 'Observation' } },
    { resourceType: 'code', code: cc },
    { resourceType: 'Observation', valueCodeableConcept: { resourceType: 'Condition', code: cc } },
    { code: cc, valueCodeableConcept: cc, Observation: { interpretation: cc } },
  );
  return out;
}

function expectSame(resources: readonly unknown[]): number {
  let nonEmpty = 0;
  for (const res of resources) {
    for (const p of PATHS) {
      const want = reference(p, res);
      const got = conceptsAt(p, res as Resource);
      expect(got, `${p} of ${JSON.stringify(res)}`).toEqual(want);
      // Same values from the resource itself (not copies of them), and in the same order.
      expect(got.length).toBe(want.length);
      if (got.length) nonEmpty += 1;
      const frozenResource = deepFreeze(structuredClone(res)) as Resource;
      expect(conceptsAtOnce(p, frozenResource), `${p} (once, frozen) of ${JSON.stringify(res)}`).toEqual(want);
      const frozen = conceptsAt(p, frozenResource);
      expect(frozen, `${p} (frozen) of ${JSON.stringify(res)}`).toEqual(want);
    }
  }
  return nonEmpty;
}

describe('conceptsAt (and conceptsAtOnce) ≡ fhirpath.js evaluation', () => {
  it('over every example request, bench record and fixture builder', () => {
    const rs = fixtureResources();
    expect(rs.length).toBeGreaterThan(300);
    expect(expectSame(rs)).toBeGreaterThan(100);
  });

  it('over generated odd shapes', () => {
    const rs = oddResources(4000);
    expect(expectSame(rs)).toBeGreaterThan(400);
  });

  it('returns the objects of the resource (no copy), so memoised codings are the resource’s own', () => {
    const cc = { coding: [{ system: 'http://loinc.org', code: '1' }] };
    const r = deepFreeze({ resourceType: 'Observation', code: cc, valueCodeableConcept: cc, interpretation: [cc] }) as unknown as Resource;
    expect(conceptsAt('code', r)[0]).toBe(cc);
    expect(conceptsAt('valueConcept', r)[0]).toBe(cc);
    expect(conceptsAt('interpretation', r)[0]).toBe(cc);
  });
});
