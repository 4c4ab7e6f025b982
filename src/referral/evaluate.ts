import type { ClinicalNow } from '../clock.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import type { PregnancyFacts } from '../clinical/finding-params.js';
import type { Policy } from '../clinical/policy.js';
import { derivePregnancyFacts } from '../clinical/pregnancy/derive-facts.js';
import { citationText, type Finding, type Rule, type RuleError, type RuleOutcome } from '../engine/rule.js';
import type { ReferralRuleId } from '../engine/rule-ids.js';
import { REFERRAL_RULES } from './rules/index.js';

export interface ReferralEvaluation {
  readonly facts: PregnancyFacts;
  /** Every finding of every fired rule, in rule order. */
  readonly findings: readonly Finding[];
  /** What each rule decided (a rule that threw has no outcome here; see `errors`). */
  readonly outcomes: Readonly<Partial<Record<ReferralRuleId, RuleOutcome>>>;
  readonly errors: readonly RuleError[];
}

/**
 * Runs the referral rules (ZJ-2023 Art.24, Art.9/23) over one patient snapshot. Facts are derived
 * once; not currently pregnant (RULES §0) ⇒ every rule `not-applicable`, no findings. A rule that
 * throws is a bug: it becomes a RuleError (id, version, citation, cause) and the other rules run.
 * `rules` is injectable for tests.
 */
export function evaluateReferral(
  snapshot: PatientSnapshot,
  policy: Policy,
  now: ClinicalNow,
  rules: readonly Rule<PregnancyFacts>[] = REFERRAL_RULES,
): ReferralEvaluation {
  const facts = derivePregnancyFacts(snapshot, policy, now);
  const outcomes: Partial<Record<ReferralRuleId, RuleOutcome>> = {};
  const findings: Finding[] = [];
  const errors: RuleError[] = [];
  for (const rule of rules) {
    const id = rule.id as ReferralRuleId;
    if (!facts.current) {
      outcomes[id] = { status: 'not-applicable', reason: 'not currently pregnant' };
      continue;
    }
    try {
      const outcome = rule.evaluate({ snapshot, facts, policy, now });
      outcomes[id] = outcome;
      if (outcome.status === 'fired') findings.push(...outcome.findings);
    } catch (e) {
      errors.push({ rule: rule.id, version: rule.version, citation: citationText(rule.citation), cause: e instanceof Error ? e.message : String(e) });
    }
  }
  return { facts, findings, outcomes, errors };
}
