import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4';
import type { CodeableConcept, Resource } from '@medplum/fhirtypes';

/**
 * FHIRPath element extraction, compiled once at module load against the R4 model.
 *
 * fhirpath.js annotates what it returns (`__path__` on result nodes), which throws on the
 * deep-frozen snapshot. So evaluation runs over a private structured clone of the resource (cached
 * per resource object — snapshot resources are frozen, so a clone never goes stale), and any error
 * (bad data the engine chokes on) yields an empty result: bad data is skipped, never a crash.
 * Results are memoised per frozen resource and path (a pure function of immutable data: the same
 * objects the evaluation would return again), so each path of a resource is evaluated once per
 * snapshot however many data elements read it; unfrozen resources are evaluated every time.
 * Dates are not compared in FHIRPath (invalid dates throw there); see ../dates/.
 */
const EXPRESSIONS = {
  code: 'code',
  valueConcept: 'value.ofType(CodeableConcept)',
  interpretation: 'Observation.interpretation',
  conclusionCode: 'DiagnosticReport.conclusionCode',
  familyConditions: 'FamilyMemberHistory.condition.code',
  relationship: 'FamilyMemberHistory.relationship',
  episodeType: 'EpisodeOfCare.type',
  medicationConcept: 'medication.ofType(CodeableConcept)',
} as const;

export type ConceptPath = keyof typeof EXPRESSIONS;

type Compiled = (resource: unknown) => unknown[];

const COMPILED = Object.fromEntries(
  Object.entries(EXPRESSIONS).map(([k, expr]) => [k, fhirpath.compile(expr, r4Model) as unknown as Compiled]),
) as Record<ConceptPath, Compiled>;

const clones = new WeakMap<object, unknown>();

function cloneOf(resource: Resource): unknown {
  let c = clones.get(resource);
  if (c === undefined) clones.set(resource, (c = structuredClone(resource)));
  return c;
}

function isConcept(v: unknown): v is CodeableConcept {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function evaluate(path: ConceptPath, resource: Resource): readonly CodeableConcept[] {
  try {
    return COMPILED[path](cloneOf(resource)).filter(isConcept);
  } catch {
    return [];
  }
}

const results = new WeakMap<object, Partial<Record<ConceptPath, readonly CodeableConcept[]>>>();

/** The CodeableConcepts at a named path of a resource (empty on bad data). Do not mutate the array. */
export function conceptsAt(path: ConceptPath, resource: Resource): readonly CodeableConcept[] {
  if (!Object.isFrozen(resource)) return evaluate(path, resource);
  let byPath = results.get(resource);
  if (byPath === undefined) results.set(resource, (byPath = {}));
  let r = byPath[path];
  if (r === undefined) byPath[path] = r = Object.freeze(evaluate(path, resource));
  return r;
}
