import type { Condition, DiagnosticReport, Observation, Reference } from '@medplum/fhirtypes';
import { EXTENSIONS } from '../codes.js';
import { relativeReference } from '../../fhir/references.js';
import { codedEvidence, type CodedHit, type CodedSelection } from './coded.js';
import { categories, codes, conclusionCodes, valueConcepts, type Concepts } from './concepts.js';
import type { ReadContext } from './context.js';
import { codingAt } from './memo.js';
import { refOf } from './subject.js';

/**
 * The fetal-finding data element (docs/rules.md#fetal-finding): coded evidence that the record says
 * is about the fetus. The woman's own conditions are not fetal findings — a cleft lip (SNOMED
 * 80281008) on her own problem list is hers, whatever the pregnancy. A coded hit (./coded.ts) is
 * about the fetus when:
 *
 * - `fetal-code`: the resource is coded with a code about the fetus by definition (value set
 *   `fetal-subject-code`: ICD-10 O35.x / O36.x maternal care for fetal problems, SNOMED fetal
 *   disorders);
 * - `marker`: a Condition carries the profile's `fetal-finding` extension with `true`;
 * - `prenatal-examination`: an Observation / DiagnosticReport whose category or code is an
 *   obstetric ultrasound or prenatal diagnosis (value set `prenatal-examination`), or an Observation
 *   that such a report lists as a `result`;
 * - `fetus-focus`: an Observation whose `focus` is a fetus (another Patient than the woman, or a
 *   focus displayed as a fetus: 胎儿, 胎A, fetus, twin B).
 */
export type FetalBasis = 'fetal-code' | 'marker' | 'prenatal-examination' | 'fetus-focus';

/** "胎儿", "胎A", "胎 2", "fetus", "foetus", "fetal", "twin B" (not "胎盘", placenta). */
const FETUS_TEXT = /胎儿|胎\s*[A-Za-z0-9一二三四甲乙丙丁]|fetus|foetus|fetal|twin/iu;

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);

function inSet<T extends CodedHit['resource']>(ctx: ReadContext, valueSetId: string, at: readonly Concepts<T>[], r: T): boolean {
  return at.some((a) => codingAt(ctx.matcher, valueSetId, a, r) !== undefined);
}

/** Whether a Condition carries `fetal-finding` = true. */
export function hasFetalFindingMarker(c: Condition): boolean {
  const ext: unknown = c.extension;
  return (
    Array.isArray(ext) &&
    ext.some(
      (x) =>
        isObject(x) &&
        (x as { url?: unknown; valueBoolean?: unknown }).url === EXTENSIONS.fetalFinding &&
        (x as { valueBoolean?: unknown }).valueBoolean === true,
    )
  );
}

/** Whether an Observation's `focus` is a fetus rather than the woman (`patientId`). */
export function focusIsFetus(o: Observation, patientId: string): boolean {
  const focus: unknown = o.focus;
  if (!Array.isArray(focus)) return false;
  return focus.some((f) => {
    if (!isObject(f)) return false;
    const ref = f as Reference;
    const rel = relativeReference(ref);
    if (rel !== undefined && rel.startsWith('Patient/') && rel !== `Patient/${patientId}`) return true;
    return typeof ref.display === 'string' && FETUS_TEXT.test(ref.display.normalize('NFKC'));
  });
}

const REPORT_AT = [categories, codes] as const;

/** `Observation/<id>` of the results listed by obstetric-ultrasound / prenatal-diagnosis reports. */
function examinationResults(ctx: ReadContext): ReadonlySet<string> {
  const out = new Set<string>();
  for (const r of ctx.snapshot.ofType('DiagnosticReport') as readonly DiagnosticReport[]) {
    if (r.status === 'entered-in-error' || !inSet(ctx, 'prenatal-examination', REPORT_AT, r)) continue;
    for (const res of Array.isArray(r.result) ? r.result : []) {
      const rel = isObject(res) ? relativeReference(res) : undefined;
      if (rel?.startsWith('Observation/')) out.add(rel);
    }
  }
  return out;
}

/** Why a resource of the woman's record is about the fetus, or `undefined` when the record does not say so. */
export function fetalBasis(ctx: ReadContext, resource: CodedHit['resource'], results?: () => ReadonlySet<string>): FetalBasis | undefined {
  switch (resource.resourceType) {
    case 'Condition':
      if (hasFetalFindingMarker(resource)) return 'marker';
      return inSet(ctx, 'fetal-subject-code', [codes], resource) ? 'fetal-code' : undefined;
    case 'Observation':
      if (inSet(ctx, 'fetal-subject-code', [codes, valueConcepts], resource)) return 'fetal-code';
      if (inSet(ctx, 'prenatal-examination', [categories, codes], resource)) return 'prenatal-examination';
      if (focusIsFetus(resource, ctx.snapshot.patientId)) return 'fetus-focus';
      return (results ?? (() => examinationResults(ctx)))().has(refOf(resource)) ? 'prenatal-examination' : undefined;
    case 'DiagnosticReport':
      if (inSet(ctx, 'fetal-subject-code', [conclusionCodes], resource)) return 'fetal-code';
      return inSet(ctx, 'prenatal-examination', REPORT_AT, resource) ? 'prenatal-examination' : undefined;
  }
}

/**
 * Coded evidence of `valueSetId` (./coded.ts, same usability, scoping and preliminary rules) that
 * is about the fetus. A resource that is not about the fetus is neither a hit nor unusable evidence.
 */
export function fetalFindings(ctx: ReadContext, valueSetId: string, scoped = true): CodedSelection {
  let results: ReadonlySet<string> | undefined;
  const lazyResults = (): ReadonlySet<string> => (results ??= examinationResults(ctx));
  return codedEvidence(ctx, valueSetId, scoped, undefined, (r) => fetalBasis(ctx, r, lazyResults) !== undefined);
}

/**
 * Coded evidence of `valueSetId` about the woman herself: what `fetalFindings` does not take (a fetal
 * karyotype or a malformation of the fetus is never her own condition).
 */
export function ownFindings(
  ctx: ReadContext,
  valueSetId: string,
  scoped: boolean,
  sources?: readonly CodedHit['source'][],
): CodedSelection {
  let results: ReadonlySet<string> | undefined;
  const lazyResults = (): ReadonlySet<string> => (results ??= examinationResults(ctx));
  return codedEvidence(ctx, valueSetId, scoped, sources, (r) => fetalBasis(ctx, r, lazyResults) === undefined);
}
