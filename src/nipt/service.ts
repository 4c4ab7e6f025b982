import type { Locale } from '../render/messages.js';
import type { ClinicalNow } from '../clock.js';
import { evaluateReferral } from '../referral/evaluate.js';
import type { Policy } from '../clinical/policy.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import type { Rule, RuleError, Undecided } from '../engine/rule.js';
import type { PregnancyFacts } from '../clinical/finding-params.js';
import { emptyResult, type CardResult, type ServiceHandler, type ServiceResult } from '../engine/service.js';
import type { RegistryStore } from '../orders/credential-records.js';
import { callInstitution } from '../clinical/call-institution.js';
import { resolveOrderingContext } from '../clinical/ordering-context.js';
import { evaluateNiptOrder, type NiptContext } from './evaluate.js';
import type { NiptHook } from './facts.js';
import { loadInstitutionFacts } from './institution.js';
import { buildNiptCard } from './card.js';
import { niptOrdersOf } from './nipt-order.js';
import type { NiptRule } from './rules/common.js';

/**
 * Service `nipt-order-check` (order-select) and the NIPT re-check at order-sign (docs/rules.md#nipt;
 * ZJ-2023 Art.22, 28, 29, 37; NIPT-2016). One card per NIPT draft order concerned — at
 * order-select the selected ones (`context.selections` ∩ `draftOrders`), at order-sign every one;
 * other orders are silent. Pregnancy facts and the Art.24 referral evaluation are derived once;
 * the institution (the only async step: the registry port) is loaded once. An order whose category
 * a rule error left open gets no card (evaluate.ts `categoryOpenedBy`).
 */
export interface NiptDeps {
  readonly registry: RegistryStore;
  readonly policy: Policy;
  readonly locale: Locale;
  /** UUID source for cards, suggestions and created resources (deterministic in tests). */
  readonly newId: () => string;
  readonly hook: NiptHook;
  /** The NIPT rules (the catalogue by default; tests inject failing ones). */
  readonly rules?: readonly NiptRule[];
  /** The referral rules the NIPT pathway re-uses (the catalogue by default). */
  readonly referralRules?: readonly Rule<PregnancyFacts>[];
}

/** The NIPT cards of one hook call; none when no NIPT order is concerned (no registry call then). */
export async function niptResult(
  snapshot: PatientSnapshot,
  now: ClinicalNow,
  deps: NiptDeps,
  issuerInstitution?: string,
): Promise<ServiceResult> {
  const orders = niptOrdersOf(snapshot, deps.policy, deps.hook);
  if (orders.length === 0) return emptyResult(now);
  const referral = evaluateReferral(snapshot, deps.policy, now, deps.referralRules);
  const institution = await loadInstitutionFacts(snapshot, deps.registry, deps.policy);
  const ctx: NiptContext = {
    snapshot,
    policy: deps.policy,
    now,
    facts: { hook: deps.hook, pregnancy: referral.facts, referral, institution },
  };
  const ordering = resolveOrderingContext(snapshot);
  const cards: CardResult[] = [];
  const undecided: Undecided[] = [];
  const ruleErrors: RuleError[] = [...referral.errors];
  let ruleRuns = referral.runs;
  for (const order of orders) {
    const evaluation = evaluateNiptOrder(order, ctx, deps.rules);
    ruleErrors.push(...evaluation.errors);
    ruleRuns += evaluation.runs;
    undecided.push(...evaluation.undecided);
    // A rule error never yields a reassuring card: the category is open, the undecided card lists
    // the rules that could not be evaluated (docs/design.md#rule-failures).
    if (evaluation.categoryOpen.length > 0) continue;
    const card = buildNiptCard({
      order,
      evaluation,
      referralFindings: referral.findings,
      patientRef: `Patient/${snapshot.patientId}`,
      policy: deps.policy,
      now,
      locale: deps.locale,
      newId: deps.newId,
      ...(ordering.practitionerId ? { practitionerRef: `Practitioner/${ordering.practitionerId}` } : {}),
      ...(ordering.encounter ? { encounterRef: ordering.encounter } : {}),
      ...(institution.organizationId ? { organizationRef: `Organization/${institution.organizationId}` } : {}),
    });
    cards.push({ card, findings: evaluation.audited, undecided: [] });
  }
  const callOf = callInstitution(snapshot, ordering, issuerInstitution, deps.policy);
  return {
    ...emptyResult(now, { undecided, ruleErrors, ruleRuns }),
    cards,
    ...(referral.facts.pregnancyKey ? { pregnancyKey: referral.facts.pregnancyKey } : {}),
    ...(referral.facts.edd ? { edd: referral.facts.edd.date } : {}),
    ...(ordering.practitionerId ? { practitionerId: ordering.practitionerId } : {}),
    ...(callOf ? { institution: { id: callOf.id, via: callOf.via } } : {}),
  };
}

/** `nipt-order-check` (hook `order-select`), and the NIPT re-check of `special-technique-order-sign`. */
export function createNiptService(deps: NiptDeps): ServiceHandler {
  return ({ snapshot, now, issuerInstitution }) => niptResult(snapshot, now, deps, issuerInstitution);
}
