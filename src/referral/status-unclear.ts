import type { PregnancyFacts } from '../clinical/finding-params.js';
import { citationText, type Rule, type RuleOutcome, type Undecided } from '../engine/rule.js';
import type { RuleRunResult } from '../engine/run-rules.js';

/** The reason every undecided referral rule gives when the pregnancy status is unclear. */
export function statusUnclearReason(facts: PregnancyFacts): string {
  const u = facts.statusUnclear;
  return `pregnancy status unclear: ${u?.daysPastEdd ?? '?'} days past the EDD with no delivery recorded (EDD ${facts.edd?.date ?? '?'})`;
}

/**
 * Pregnancy status unclear (docs/rules.md#pregnancy-status-unclear): the best EDD is more than
 * POSTTERM_MAX_DAYS past and nothing records the end of the pregnancy. No rule may fire on a
 * pregnancy that may be over; each rule that would have fired, or could not decide, becomes
 * undecided with that reason (evidence: the EDD, then the rule's own). A rule that found nothing
 * stays `not-fired`: its answer is the same whether or not she is still pregnant.
 */
export function statusUnclearOutcomes<R extends Rule<PregnancyFacts>>(
  facts: PregnancyFacts,
  run: RuleRunResult<R>,
): { outcomes: { rule: R; outcome: RuleOutcome }[]; undecided: Undecided[] } {
  const reason = statusUnclearReason(facts);
  const outcomes: { rule: R; outcome: RuleOutcome }[] = [];
  const undecided: Undecided[] = [];
  for (const { rule, outcome } of run.outcomes) {
    if (outcome.status !== 'fired' && outcome.status !== 'insufficient-data') {
      outcomes.push({ rule, outcome });
      continue;
    }
    const own =
      outcome.status === 'fired'
        ? outcome.findings.flatMap((f) => f.evidence)
        : [...(outcome.evidence ?? []), ...(run.undecided.find((u) => u.rule === rule.id)?.evidence ?? [])];
    const evidence = [...new Set([...(facts.edd ? [facts.edd.reference] : []), ...own])];
    outcomes.push({ rule, outcome: { status: 'insufficient-data', reason, evidence } });
    undecided.push({
      rule: rule.id,
      ruleVersion: rule.version,
      citation: citationText(rule.citation),
      title: rule.title,
      reason,
      evidence,
    });
  }
  return { outcomes, undecided };
}
