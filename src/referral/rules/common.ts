import { readContext, type ReadContext } from '../../clinical/data-elements/context.js';
import type { PregnancyFacts } from '../../clinical/finding-params.js';
import { pregnancyScopeStart } from '../../clinical/pregnancy/scope-start.js';
import { citationText, type Finding, type RuleInput, type RuleOutcome, type ServiceId } from '../../engine/rule.js';
import type { ReferralRuleId } from '../../engine/rule-ids.js';
import type { ReferralParamsByRule } from '../../clinical/finding-params.js';
import type { Citation } from '../../engine/rule.js';

/** The services that run the referral rules (docs/design.md#services). */
export const REFERRAL_SERVICES: readonly ServiceId[] = Object.freeze([
  'prenatal-diagnosis-referral',
  'prenatal-diagnosis-referral-encounter',
]);

export const RULE_VERSION = '1.0.0';

export type ReferralInput = RuleInput<PregnancyFacts>;

/** A read context scoped to the current pregnancy (LMP, or the documented fallback). */
export function pregnancyContext(input: ReferralInput): ReadContext {
  return readContext(input.snapshot, input.policy, input.now, pregnancyScopeStart(input.facts, input.policy, input.now));
}

/** A read context for history items (no pregnancy scoping). */
export function historyContext(input: ReferralInput): ReadContext {
  return readContext(input.snapshot, input.policy, input.now);
}

/** The one finding of a fired referral rule; evidence = the items' references, deduplicated, in order. */
export function fired<R extends ReferralRuleId>(
  rule: R,
  citation: Citation,
  params: ReferralParamsByRule[R],
  extraEvidence: readonly string[] = [],
): RuleOutcome {
  const evidence = [...new Set([...params.items.map((i) => i.reference), ...extraEvidence])];
  const finding: Finding = {
    rule,
    citation: citationText(citation),
    evidence,
    params: params as unknown as Readonly<Record<string, unknown>>,
  };
  return { status: 'fired', findings: [finding] };
}

export const NOT_PREGNANT: RuleOutcome = Object.freeze({ status: 'not-applicable', reason: 'not currently pregnant' });

/** Not fired, or "could not decide" with the unreadable records (one helper for every rule). */
export { notFiredOrInsufficient } from '../../clinical/data-elements/context.js';
