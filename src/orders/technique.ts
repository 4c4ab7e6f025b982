import type { CodeableConcept, Coding, ServiceRequest } from '@medplum/fhirtypes';
import { MCH_TECHNIQUE_CODES, SYSTEMS, type MchTechnique } from '../clinical/codes.js';
import type { Policy } from '../clinical/policy.js';

/**
 * Which special technique(s) of ZJ-2023 Art.3 (CodeSystem `mch-technique`) a draft ServiceRequest
 * is (docs/rules.md#technique). Sources, in this order:
 *
 * 1. a `category` or `code` coding in `mch-technique` (the order names its technique directly);
 * 2. the shipped order-code value sets below;
 * 3. hospital codes from policy: `policy.localCodes['mch-technique-orders:<mch-technique code>']`
 *    (e.g. `mch-technique-orders:prenatal-diagnosis`), `policy.localCodes['mch-technique-orders:nipt']`
 *    (either screening or diagnosis certificate suffices) and
 *    `policy.localCodes['mch-technique-orders:fetal-sex-determination']` (prenatal diagnosis plus the
 *    Art.31 sex-determination guard).
 *
 * An order matching none of these is not a special-technique order: the checks stay silent.
 */

/** One technique requirement: any one of `acceptable` satisfies it (NIPT: screening or diagnosis). */
export interface TechniqueRequirement {
  readonly acceptable: readonly MchTechnique[];
  /** The coding that made this order a special technique. */
  readonly matchedBy: { readonly system: string; readonly code: string };
}

export interface OrderTechniques {
  readonly requirements: readonly TechniqueRequirement[];
  /** `prenatal-order#fetal-sex-determination` (or a local equivalent): ZJ-2023 Art.31 applies. */
  readonly sexDetermination: boolean;
}

/** Policy key prefix for local order codes (see module comment). */
export const TECHNIQUE_ORDER_POLICY_PREFIX = 'mch-technique-orders:';

type OrderKind = MchTechnique | 'nipt' | 'fetal-sex-determination';

const DIAGNOSIS: readonly MchTechnique[] = ['prenatal-diagnosis'];
const NIPT: readonly MchTechnique[] = ['prenatal-screening', 'prenatal-diagnosis'];

/** Shipped order-code value sets (docs/rules.md#technique). */
const SHIPPED: readonly { readonly system: string; readonly code: string; readonly kind: OrderKind }[] = [
  { system: SYSTEMS.prenatalOrder, code: 'amniocentesis', kind: 'prenatal-diagnosis' },
  { system: SYSTEMS.prenatalOrder, code: 'cvs', kind: 'prenatal-diagnosis' },
  { system: SYSTEMS.prenatalOrder, code: 'cordocentesis', kind: 'prenatal-diagnosis' },
  { system: SYSTEMS.prenatalOrder, code: 'karyotype', kind: 'prenatal-diagnosis' },
  { system: SYSTEMS.prenatalOrder, code: 'chromosomal-microarray', kind: 'prenatal-diagnosis' },
  { system: SYSTEMS.snomed, code: '34536000', kind: 'prenatal-diagnosis' },
  { system: SYSTEMS.prenatalOrder, code: 'nipt', kind: 'nipt' },
  { system: SYSTEMS.prenatalOrder, code: 'serum-screening', kind: 'prenatal-screening' },
  { system: SYSTEMS.prenatalOrder, code: 'fetal-sex-determination', kind: 'fetal-sex-determination' },
  // Induced termination of pregnancy (SNOMED 714812005, 57797005): ZJ-2023 Art.3 technique, Art.31 check.
  { system: SYSTEMS.snomed, code: '714812005', kind: 'pregnancy-termination' },
  { system: SYSTEMS.snomed, code: '57797005', kind: 'pregnancy-termination' },
];

function isTechnique(code: string | undefined): code is MchTechnique {
  return (MCH_TECHNIQUE_CODES as readonly string[]).includes(code ?? '');
}

function acceptableFor(kind: OrderKind): readonly MchTechnique[] {
  if (kind === 'nipt') return NIPT;
  if (kind === 'fetal-sex-determination') return DIAGNOSIS;
  return [kind];
}

function localKinds(policy: Policy): { system: string; code: string; kind: OrderKind }[] {
  const out: { system: string; code: string; kind: OrderKind }[] = [];
  for (const [key, codings] of Object.entries(policy.localCodes)) {
    if (!key.startsWith(TECHNIQUE_ORDER_POLICY_PREFIX)) continue;
    const kind = key.slice(TECHNIQUE_ORDER_POLICY_PREFIX.length);
    if (!isTechnique(kind) && kind !== 'nipt' && kind !== 'fetal-sex-determination') continue;
    for (const c of codings) out.push({ system: c.system, code: c.code, kind });
  }
  return out;
}

function codingsOf(concepts: readonly (CodeableConcept | undefined)[]): Coding[] {
  return concepts.flatMap((c) => c?.coding ?? []).filter((c) => typeof c.system === 'string' && typeof c.code === 'string');
}

/** Drops requirements implied by a stricter one (e.g. NIPT's "either" when a category says screening). */
function minimal(reqs: TechniqueRequirement[]): TechniqueRequirement[] {
  const out: TechniqueRequirement[] = [];
  for (const r of reqs) {
    const implied = reqs.some(
      (o) => o !== r && o.acceptable.length < r.acceptable.length && o.acceptable.every((t) => r.acceptable.includes(t)),
    );
    const duplicate = out.some((o) => o.acceptable.length === r.acceptable.length && o.acceptable.every((t) => r.acceptable.includes(t)));
    if (!implied && !duplicate) out.push(r);
  }
  return out;
}

/** The technique(s) of a draft order, or `undefined` when it is not a special-technique order. */
export function orderTechniques(order: ServiceRequest, policy: Policy): OrderTechniques | undefined {
  const table = [...SHIPPED, ...localKinds(policy)];
  const reqs: TechniqueRequirement[] = [];
  let sexDetermination = false;
  for (const c of codingsOf([...(order.category ?? []), order.code])) {
    const matchedBy = { system: c.system!, code: c.code! };
    if (c.system === SYSTEMS.mchTechnique && isTechnique(c.code)) {
      reqs.push({ acceptable: [c.code], matchedBy });
      continue;
    }
    for (const row of table) {
      if (row.system !== c.system || row.code !== c.code) continue;
      reqs.push({ acceptable: acceptableFor(row.kind), matchedBy });
      if (row.kind === 'fetal-sex-determination') sexDetermination = true;
    }
  }
  if (reqs.length === 0) return undefined;
  return { requirements: minimal(reqs), sexDetermination };
}
