import type { EvidenceItem } from '../../clinical/finding-params.js';
import { readContext, type ReadContext } from '../../clinical/data-elements/context.js';
import { pregnancyScopeStart } from '../../clinical/pregnancy/scope-start.js';
import {
  citationText,
  type Citation,
  type Finding,
  type Rule,
  type RuleInput,
  type RuleOutcome,
  type ServiceId,
} from '../../engine/rule.js';
import type { NiptCategoryId, NiptReasonId, ReferralRuleId } from '../../engine/rule-ids.js';
import type { NiptFacts, NiptHook } from '../facts.js';

/**
 * Shared pieces of the NIPT rules (docs/rules.md#nipt). Each rule is a record (docs/conventions.md#rule-record)
 * with the category its reason belongs to and the card indicator it implies.
 */
export type Indicator = 'info' | 'warning' | 'critical';

export interface NiptRule extends Rule<NiptFacts> {
  readonly id: NiptReasonId;
  /** The category the reason puts the order in; none for ga-unknown, institution and consent. */
  readonly category?: NiptCategoryId;
  readonly indicator: Indicator;
  /** Hooks at which the rule runs (consent: order-sign only). */
  readonly hooks: readonly NiptHook[];
}

export type NiptInput = RuleInput<NiptFacts>;

export const NIPT_RULE_VERSION = '1.0.0';

/** nipt-order-check (order-select) and the re-check at order-sign (special-technique-order-sign). */
export const NIPT_SERVICES: readonly ServiceId[] = Object.freeze(['nipt-order-check', 'special-technique-order-sign']);
export const BOTH_HOOKS: readonly NiptHook[] = Object.freeze(['order-select', 'order-sign']);

/** Clinical reasons: ZJ-2023 Art.28 (NIPT under prenatal-diagnosis management) and the NIPT-2016 lists. */
export const CLINICAL_CITATION: Citation = Object.freeze({ zj: 'ZJ-2023 Art.28', national: 'NIPT-2016' });
/** Institution role: ZJ-2023 Art.29 (screening institutions cooperate), Art.37 (reports by diagnosis institutions). */
export const INSTITUTION_CITATION: Citation = Object.freeze({ zj: 'ZJ-2023 Art.29, 37' });
/** Informed choice (ZJ-2023 Art.22; PDM Art.22 equivalent) and NIPT-2016 pre-test counselling. */
export const CONSENT_CITATION: Citation = Object.freeze({ zj: 'ZJ-2023 Art.22', national: 'NIPT-2016' });

export const NOT_PREGNANT: RuleOutcome = Object.freeze({ status: 'not-applicable', reason: 'not currently pregnant' });

/** A read context scoped to the current pregnancy (LMP, or the documented 300-day fallback). */
export function pregnancyContext(input: NiptInput): ReadContext {
  return readContext(input.snapshot, input.policy, input.now, pregnancyScopeStart(input.facts.pregnancy, input.policy, input.now));
}

/** A read context without pregnancy scoping (history items, time-windowed procedures). */
export function historyContext(input: NiptInput): ReadContext {
  return readContext(input.snapshot, input.policy, input.now);
}

/** The one finding of a fired NIPT rule; evidence = item references (deduplicated) + extra. */
export function niptFired(
  rule: NiptReasonId,
  citation: Citation,
  params: Readonly<Record<string, unknown>> & { readonly items: readonly EvidenceItem[] },
  extraEvidence: readonly string[] = [],
): RuleOutcome {
  const evidence = [...new Set([...params.items.map((i) => i.reference), ...extraEvidence])].filter((r) => r !== '');
  const finding: Finding = { rule, citation: citationText(citation), evidence, params };
  return { status: 'fired', findings: [finding] };
}

/** Not fired, or "could not decide" with the unreadable records (one helper for every rule). */
export { notFiredOrInsufficient } from '../../clinical/data-elements/context.js';

/**
 * A NIPT reason that re-uses a referral rule's decision (same evidence, same params): the referral
 * evaluation is already in the facts, so the data is read once and both cards agree.
 */
export function fromReferral(input: NiptInput, referralRule: ReferralRuleId, niptRule: NiptReasonId, citation: Citation): RuleOutcome {
  if (!input.facts.pregnancy.current) return NOT_PREGNANT;
  const outcome = input.facts.referral.outcomes[referralRule];
  if (!outcome) {
    const error = input.facts.referral.errors.find((e) => e.rule === referralRule);
    return { status: 'insufficient-data', reason: `referral rule ${referralRule} did not decide${error ? `: ${error.cause}` : ''}` };
  }
  if (outcome.status !== 'fired') return outcome;
  const f = outcome.findings[0]!;
  const params = { ...f.params, basedOn: { rule: referralRule, citation: f.citation } };
  return { status: 'fired', findings: [{ rule: niptRule, citation: citationText(citation), evidence: [...f.evidence], params }] };
}
