import type { ServiceRequest } from '@medplum/fhirtypes';
import type { RuleError, Undecided } from '../engine/rule.js';
import { audited } from '../engine/run-rules.js';
import { callInstitution } from '../clinical/call-institution.js';
import type { Policy } from '../clinical/policy.js';
import { derivePregnancyFacts } from '../clinical/pregnancy/derive-facts.js';
import { emptyResult, type CardResult, type ServiceHandler, type ServiceResult } from '../engine/service.js';
import { loadCredentialContext } from './credential-context.js';
import type { RegistryStore } from './credential-records.js';
import { evaluateOrder } from './evaluate.js';
import type { OrderLocale } from './messages.js';
import { buildOrderSignCard } from './card.js';
import { ORDER_RULES } from './rules/index.js';
import { orderTechniques, type OrderTechniques } from './technique.js';

/**
 * Service `special-technique-order-sign` (order-sign, docs/rules.md#orders; ZJ-2023 Art.3, 10-19, 31):
 * every draft ServiceRequest that is a special technique is checked independently — certificate
 * of the ordering practitioner, licence of the institution, the Art.31 sex-determination guard —
 * and gets one card when something is wrong; an order that passes gets none. The NIPT re-check is
 * a separate handler (src/nipt/service.ts), combined with this one in src/services.ts.
 */
export interface OrderSignDeps {
  readonly registry: RegistryStore;
  readonly policy: Policy;
  readonly locale: OrderLocale;
  /** UUID source for cards and suggestions (injected: deterministic in tests). */
  readonly newId: () => string;
}

/** Draft statuses we check: a withdrawn or erroneous draft is not about to be signed. */
const SKIPPED_STATUS: readonly string[] = ['entered-in-error', 'revoked', 'completed'];

export function createOrderSignService(deps: OrderSignDeps): ServiceHandler {
  return async ({ snapshot, now, issuerInstitution }): Promise<ServiceResult> => {
    const special: { order: ServiceRequest; techniques: OrderTechniques }[] = [];
    for (const r of snapshot.draftOrders) {
      if (r.resourceType !== 'ServiceRequest' || SKIPPED_STATUS.includes(r.status ?? '')) continue;
      const techniques = orderTechniques(r, deps.policy);
      if (techniques) special.push({ order: r, techniques });
    }
    if (special.length === 0) return emptyResult(now);

    const context = await loadCredentialContext(snapshot, deps.registry, deps.policy);
    // GA for the Art.31 termination check (docs/rules.md#termination-reason-missing): pure, from the snapshot.
    const pregnancy = derivePregnancyFacts(snapshot, deps.policy, now);
    const cards: CardResult[] = [];
    const undecided: Undecided[] = [];
    const ruleErrors: RuleError[] = [];
    let ruleRuns = 0;
    for (const { order, techniques } of special) {
      const out = evaluateOrder(ORDER_RULES, { order, techniques, context, pregnancy, snapshot, policy: deps.policy, now });
      ruleErrors.push(...out.errors);
      ruleRuns += out.runs;
      undecided.push(...out.undecided);
      if (out.findings.length === 0) continue;
      const orderRef = order.id ? `ServiceRequest/${order.id}` : 'ServiceRequest';
      const card = buildOrderSignCard({ order, orderRef, findings: out.findings, locale: deps.locale, newId: deps.newId });
      cards.push({ card: card.card, findings: card.findings.map(({ rule, finding }) => audited(rule, finding)), undecided: [] });
    }
    const institution = callInstitution(snapshot, context, issuerInstitution, deps.policy);
    return {
      ...emptyResult(now, { undecided, ruleErrors, ruleRuns }),
      cards,
      ...(context.practitionerId ? { practitionerId: context.practitionerId } : {}),
      ...(institution ? { institution: { id: institution.id, via: institution.via } } : {}),
    };
  };
}
