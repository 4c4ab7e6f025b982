import type {
  CodeableConcept,
  Condition,
  DiagnosticReport,
  EpisodeOfCare,
  FamilyMemberHistory,
  MedicationRequest,
  MedicationStatement,
  Observation,
  Procedure,
} from '@medplum/fhirtypes';

/**
 * The CodeableConcepts the engine reads, one typed accessor per FHIRPath path (named on each).
 * Each returns what fhirpath.js 5 with the R4 model returns for its path, objects only:
 *
 * - a missing element, `null`, an empty array: none;
 * - an array is read item by item, even where R4 allows one value (bulk exports are not
 *   shape-checked), keeping the objects: `null`, primitives and nested arrays are skipped;
 * - a choice is the first of its R4 types present, even as `null`: `valueQuantity` comes before
 *   `valueCodeableConcept` (an Observation carrying both has no coded value); `medication[x]`
 *   starts with CodeableConcept;
 * - `_x` siblings (primitive extensions) never carry a CodeableConcept.
 *
 * test/clinical/fhirpath-equivalence.test.ts checks this against fhirpath.js over every fixture and
 * generated shapes of FHIR JSON (`_x` only beside primitives, `resourceType` only on resources);
 * outside FHIR JSON, fhirpath.js's model quirks are not followed (the test lists them).
 * The objects are the resource's own; nothing is written. Do not mutate the arrays.
 */
export type Concepts<T> = (resource: T) => readonly CodeableConcept[];

const NONE: readonly CodeableConcept[] = Object.freeze([]);

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object items of an array, or the value itself when it is an object. */
function concepts(v: unknown): readonly CodeableConcept[] {
  if (Array.isArray(v)) return v.filter(isObject) as CodeableConcept[];
  return isObject(v) ? [v as CodeableConcept] : NONE;
}

/** `code` */
export const codes: Concepts<Condition | Observation | Procedure | DiagnosticReport> = (r) => concepts(r.code);

/** `category` */
export const categories: Concepts<Condition | Observation | DiagnosticReport> = (r) => concepts(r.category);

/** `value.ofType(CodeableConcept)` */
export const valueConcepts: Concepts<Observation> = (o) => (o.valueQuantity === undefined ? concepts(o.valueCodeableConcept) : NONE);

/** `Observation.component.code` */
export const componentCodes: Concepts<Observation> = (o) => {
  const components: unknown = o.component;
  return (Array.isArray(components) ? components : [components]).flatMap((c) =>
    isObject(c) ? concepts((c as { code?: unknown }).code) : NONE,
  );
};

/** `Observation.interpretation` */
export const interpretations: Concepts<Observation> = (o) => concepts(o.interpretation);

/** `DiagnosticReport.conclusionCode` */
export const conclusionCodes: Concepts<DiagnosticReport> = (r) => concepts(r.conclusionCode);

/** `FamilyMemberHistory.condition.code` */
export const familyConditionCodes: Concepts<FamilyMemberHistory> = (f) => {
  const conditions: unknown = f.condition;
  return (Array.isArray(conditions) ? conditions : [conditions]).flatMap((c) =>
    isObject(c) ? concepts((c as { code?: unknown }).code) : NONE,
  );
};

/** `FamilyMemberHistory.relationship` */
export const relationships: Concepts<FamilyMemberHistory> = (f) => concepts(f.relationship);

/** `EpisodeOfCare.type` */
export const episodeTypes: Concepts<EpisodeOfCare> = (e) => concepts(e.type);

/** `medication.ofType(CodeableConcept)` */
export const medicationCodes: Concepts<MedicationStatement | MedicationRequest> = (r) => concepts(r.medicationCodeableConcept);
