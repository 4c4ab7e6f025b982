import type { CodeableConcept, Condition, ServiceRequest } from '@medplum/fhirtypes';
import { SYSTEMS } from '../clinical/codes.js';
import type { Policy } from '../clinical/policy.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import { relativeReference } from '../fhir/references.js';

/**
 * Value set `sex-linked-disorder`: the medical-necessity reasons that make fetal sex determination
 * lawful (ZJ-2023 Art.31 forbids it when not medically needed). Serious X-linked recessive
 * disorders where the fetal sex decides further diagnosis:
 *
 * | ICD-10 (prefix, under any URI of `policy.ICD10_SYSTEMS`, clinical-edition extensions too) | disorder |
 * |---|---|
 * | D66   | hereditary factor VIII deficiency (haemophilia A) |
 * | D67   | hereditary factor IX deficiency (haemophilia B) |
 * | G71.0 | muscular dystrophy (Duchenne / Becker are coded here; the category is broader, so the physician's coding is trusted) |
 * | D82.0 | Wiskott-Aldrich syndrome |
 * | E76.1 | mucopolysaccharidosis type II (Hunter) |
 * | E79.1 | Lesch-Nyhan syndrome |
 *
 * SNOMED CT: 28293008 haemophilia A, 76670001 Duchenne muscular dystrophy.
 *
 * Deliberately left out: ICD-10 categories that mix X-linked and autosomal disorders (E75.2
 * sphingolipidoses incl. Fabry but also Gaucher; E71.3 incl. X-ALD but also MCAD; D80.0) and
 * G6PD deficiency (D55.0, mild, not a sex-selection indication). Hospitals add codes through
 * `policy.localCodes['sex-linked-disorder']` (exact system + code).
 */
export const SEX_LINKED_POLICY_KEY = 'sex-linked-disorder';

export const SEX_LINKED_ICD10_PREFIXES: readonly string[] = ['D66', 'D67', 'G71.0', 'D82.0', 'E76.1', 'E79.1'];
export const SEX_LINKED_SNOMED: readonly string[] = ['28293008', '76670001'];

function inValueSet(concept: CodeableConcept | undefined, policy: Policy): { system: string; code: string } | undefined {
  const local = policy.localCodes[SEX_LINKED_POLICY_KEY] ?? [];
  for (const c of concept?.coding ?? []) {
    if (typeof c.system !== 'string' || typeof c.code !== 'string') continue;
    const code = c.code.trim().toUpperCase();
    const hit =
      ((c.system === SYSTEMS.icd10 || policy.ICD10_SYSTEMS.includes(c.system)) &&
        SEX_LINKED_ICD10_PREFIXES.some((p) => code.startsWith(p))) ||
      (c.system === SYSTEMS.snomed && SEX_LINKED_SNOMED.includes(c.code)) ||
      local.some((l) => l.system === c.system && l.code === c.code);
    if (hit) return { system: c.system, code: c.code };
  }
  return undefined;
}

/**
 * The medical-necessity reason of a sex-determination order: a `reasonCode` in the value set, or a
 * `reasonReference` to a Condition in the snapshot coded in it. `undefined` when none.
 */
export function sexLinkedReason(
  order: ServiceRequest,
  snapshot: PatientSnapshot,
  policy: Policy,
): { system: string; code: string; reference?: string } | undefined {
  for (const rc of order.reasonCode ?? []) {
    const hit = inValueSet(rc, policy);
    if (hit) return hit;
  }
  for (const rr of order.reasonReference ?? []) {
    const ref = relativeReference(rr);
    const res = ref ? snapshot.byReference(ref) : undefined;
    if (res?.resourceType !== 'Condition') continue;
    const cond = res as Condition;
    const status = cond.verificationStatus?.coding?.[0]?.code;
    if (status === 'entered-in-error' || status === 'refuted') continue;
    const hit = inValueSet(cond.code, policy);
    if (hit) return { ...hit, reference: ref! };
  }
  return undefined;
}
