import type { Card } from '../cds-hooks/card-schema.js';
import type { Locale } from '../render/messages.js';
import type { ClinicalNow } from '../clock.js';
import { evaluateReferral } from '../referral/evaluate.js';
import type { Policy } from '../clinical/policy.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import type { RegistryStore } from '../orders/credential-records.js';
import { resolveOrderingContext } from '../orders/ordering-context.js';
import type { ServiceHandler, ServiceResult } from '../ports.js';
import { evaluateNiptOrder, type NiptContext } from './evaluate.js';
import type { NiptHook } from './facts.js';
import { loadInstitutionFacts } from './institution.js';
import { buildNiptCard } from './card.js';
import { niptOrdersOf } from './nipt-order.js';

/**
 * Service `nipt-order-check` (order-select) and the NIPT re-check at order-sign (docs/rules.md#nipt;
 * ZJ-2023 Art.22, 28, 29, 37; NIPT-2016). One card per NIPT draft order concerned — at
 * order-select the selected ones (`context.selections` ∩ `draftOrders`), at order-sign every one;
 * other orders are silent. Pregnancy facts and the Art.24 referral evaluation are derived once;
 * the institution (the only async step: the registry port) is loaded once.
 */
export interface NiptDeps {
  readonly registry: RegistryStore;
  readonly policy: Policy;
  readonly locale: Locale;
  /** UUID source for cards, suggestions and created resources (deterministic in tests). */
  readonly newId: () => string;
  readonly hook: NiptHook;
}

/** What the NIPT check contributes to a hook response (mergeable into another service's). */
export interface NiptCardsResult {
  readonly cards: readonly Card[];
  readonly findings: ServiceResult['findings'];
  readonly ruleErrors: ServiceResult['ruleErrors'];
  /** Audit facts (pregnancy key, practitioner, institution) when NIPT orders were checked. */
  readonly audit?: NonNullable<ServiceResult['audit']>;
}

/** The NIPT cards of one hook call; `[]` when no NIPT order is concerned (no registry call then). */
export async function niptCards(snapshot: PatientSnapshot, now: ClinicalNow, deps: NiptDeps): Promise<NiptCardsResult> {
  const orders = niptOrdersOf(snapshot, deps.policy, deps.hook);
  if (orders.length === 0) return { cards: [], findings: [], ruleErrors: [] };
  const referral = evaluateReferral(snapshot, deps.policy, now);
  const institution = await loadInstitutionFacts(snapshot, deps.registry, deps.policy);
  const ctx: NiptContext = { snapshot, policy: deps.policy, now, facts: { hook: deps.hook, pregnancy: referral.facts, referral, institution } };
  const ordering = resolveOrderingContext(snapshot);
  const cards: Card[] = [];
  const findings: ServiceResult['findings'][number][] = [];
  const ruleErrors: ServiceResult['ruleErrors'][number][] = referral.errors.map((e) => ({ rule: e.rule, cause: e.cause }));
  for (const order of orders) {
    const evaluation = evaluateNiptOrder(order, ctx);
    ruleErrors.push(...evaluation.errors.map((e) => ({ rule: e.rule, cause: e.cause })));
    findings.push(...evaluation.findings);
    cards.push(
      buildNiptCard({
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
      }),
    );
  }
  const audit = {
    ...(referral.facts.pregnancyKey ? { pregnancyKey: referral.facts.pregnancyKey } : {}),
    ...(ordering.practitionerId ? { practitionerId: ordering.practitionerId } : {}),
    ...(institution.organizationId ? { institutionId: institution.organizationId } : {}),
  };
  return { cards, findings, ruleErrors, audit };
}

/** The NIPT re-check at order-sign, for the order-sign service to merge (cards appended to its own). */
export function niptCardsForOrderSign(
  snapshot: PatientSnapshot,
  now: ClinicalNow,
  deps: Omit<NiptDeps, 'hook'>,
): Promise<NiptCardsResult> {
  return niptCards(snapshot, now, { ...deps, hook: 'order-sign' });
}

/** `nipt-order-check` (hook `order-select`), or a stand-alone order-sign NIPT service. */
export function createNiptService(deps: NiptDeps): ServiceHandler {
  return async ({ snapshot, now }): Promise<ServiceResult> => {
    const out = await niptCards(snapshot, now, deps);
    return { response: { cards: [...out.cards] }, findings: out.findings, ruleErrors: out.ruleErrors, ...(out.audit ? { audit: out.audit } : {}) };
  };
}
