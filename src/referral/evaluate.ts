import type { ClinicalNow } from '../clock.js';
import type { PregnancyFacts } from '../clinical/finding-params.js';
import type { Policy } from '../clinical/policy.js';
import { derivePregnancyFacts } from '../clinical/pregnancy/derive-facts.js';
import type { Rule, RuleError, RuleOutcome, Undecided, AuditedFinding, Finding } from '../engine/rule.js';
import type { ReferralRuleId } from '../engine/rule-ids.js';
import { audited, runRules } from '../engine/run-rules.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import type { PerformerInstitutions, ReferralFacts } from './performer-institutions.js';
import { NOT_PREGNANT } from './rules/common.js';
import { REFERRAL_RULES } from './rules/index.js';
import { statusUnclearOutcomes } from './status-unclear.js';

export interface ReferralEvaluation {
  readonly now: ClinicalNow;
  readonly facts: PregnancyFacts;
  /** Every finding of every fired rule, in rule order. */
  readonly findings: readonly Finding[];
  /** The same findings with the version of the rule that made each, for the audit. */
  readonly audited: readonly AuditedFinding[];
  /** What each rule decided (a rule that threw has no outcome here; see `errors`). */
  readonly outcomes: Readonly<Partial<Record<ReferralRuleId, RuleOutcome>>>;
  readonly undecided: readonly Undecided[];
  readonly errors: readonly RuleError[];
  /** Rule evaluations made, those that threw included (0 when not currently pregnant: nothing ran). */
  readonly runs: number;
}

/**
 * Runs the referral rules (ZJ-2023 Art.24, Art.9/23) over one patient snapshot through the engine.
 * Facts are derived once; not currently pregnant (docs/rules.md#current-pregnancy) ⇒ every rule
 * `not-applicable`, nothing run. `rules` is injectable for tests. `performers`: the performing
 * institutions of prenatal-diagnosis reports, loaded before (./performer-institutions.ts); without
 * them `abnormal-result-notice` reads the record's Organizations alone.
 */
export function evaluateReferral(
  snapshot: PatientSnapshot,
  policy: Policy,
  now: ClinicalNow,
  rules: readonly Rule<PregnancyFacts>[] = REFERRAL_RULES,
  performers?: PerformerInstitutions,
): ReferralEvaluation {
  const facts = derivePregnancyFacts(snapshot, policy, now);
  if (!facts.current) {
    const outcomes = Object.fromEntries(rules.map((r) => [r.id, NOT_PREGNANT]));
    return { now, facts, findings: [], audited: [], outcomes, undecided: [], errors: [], runs: 0 };
  }
  const ruleFacts: ReferralFacts = performers ? { ...facts, performers } : facts;
  const run = runRules(
    rules.map((rule) => ({ rule, facts: ruleFacts })),
    { snapshot, policy, now },
  );
  // A pregnancy that should have ended (docs/rules.md#pregnancy-status-unclear): nothing fires; undecided instead.
  const unclear = facts.statusUnclear ? statusUnclearOutcomes(facts, run) : undefined;
  const outcomes: Partial<Record<ReferralRuleId, RuleOutcome>> = {};
  for (const { rule, outcome } of unclear?.outcomes ?? run.outcomes) outcomes[rule.id as ReferralRuleId] = outcome;
  if (unclear) return { now, facts, findings: [], audited: [], outcomes, undecided: unclear.undecided, errors: run.errors, runs: run.runs };
  return {
    now,
    facts,
    findings: run.fired.map((f) => f.finding),
    audited: run.fired.map(({ rule, finding }) => audited(rule, finding)),
    outcomes,
    undecided: run.undecided,
    errors: run.errors,
    runs: run.runs,
  };
}
