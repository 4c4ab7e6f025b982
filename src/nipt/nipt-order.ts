import type { ServiceRequest } from '@medplum/fhirtypes';
import type { Policy } from '../clinical/policy.js';
import { matcherFor } from '../clinical/value-sets/matcher.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import { relativeReference } from '../fhir/references.js';
import { TECHNIQUE_ORDER_POLICY_PREFIX } from '../orders/technique.js';
import type { NiptHook } from './facts.js';

/** Draft statuses we skip: a withdrawn, erroneous or finished order is not about to be placed. */
const SKIPPED_STATUS: readonly string[] = ['entered-in-error', 'revoked', 'completed'];

/**
 * Whether a ServiceRequest is an NIPT order (docs/rules.md#nipt): its code or a category in value set
 * `nipt-order` (`prenatal-order#nipt`, + `policy.localCodes['nipt-order']`), or a hospital code the
 * order checks already map to NIPT (`policy.localCodes['mch-technique-orders:nipt']`, technique.ts).
 */
export function isNiptOrder(order: ServiceRequest, policy: Policy): boolean {
  const concepts = [order.code, ...(order.category ?? [])];
  if (concepts.some((c) => matcherFor(policy).inValueSet('nipt-order', c))) return true;
  const mapped = policy.localCodes[`${TECHNIQUE_ORDER_POLICY_PREFIX}nipt`] ?? [];
  return concepts.some((c) => (c?.coding ?? []).some((x) => mapped.some((m) => m.system === x.system && m.code === x.code)));
}

/** `ServiceRequest/<id>` of a draft (or `ServiceRequest` when it has none). */
export function orderReference(order: ServiceRequest): string {
  return order.id ? `ServiceRequest/${order.id}` : 'ServiceRequest';
}

/**
 * The NIPT orders a hook call is about: at order-select the draft orders named in
 * `context.selections` (references compared as `Type/id`); at order-sign every draft NIPT order.
 */
export function niptOrdersOf(snapshot: PatientSnapshot, policy: Policy, hook: NiptHook): ServiceRequest[] {
  const selected = new Set(snapshot.selections.map((s) => relativeReference(s)).filter((s): s is string => s !== undefined));
  return snapshot.draftOrders.filter((r): r is ServiceRequest => {
    if (r.resourceType !== 'ServiceRequest' || SKIPPED_STATUS.includes(r.status ?? '')) return false;
    if (!isNiptOrder(r, policy)) return false;
    return hook === 'order-sign' || (r.id !== undefined && selected.has(`ServiceRequest/${r.id}`));
  });
}
