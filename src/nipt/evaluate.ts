import type { ServiceRequest } from '@medplum/fhirtypes';
import type { ClinicalNow } from '../clock.js';
import type { Policy } from '../clinical/policy.js';
import { citationText, type AuditedFinding, type Finding, type RuleError, type RuleOutcome, type Undecided } from '../engine/rule.js';
import { audited, runRules } from '../engine/run-rules.js';
import type { NiptCategoryId, NiptReasonId, RuleId } from '../engine/rule-ids.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import { niptAdvice, type NiptAdvice } from './advice.js';
import type { NiptFacts } from './facts.js';
import { institutionStatus } from './institution-status.js';
import { orderReference } from './nipt-order.js';
import { CLINICAL_CITATION, NIPT_RULE_VERSION, type Indicator, type NiptRule } from './rules/common.js';
import { gaParams, niptWindow, windowMet } from './rules/ga-params.js';
import { NIPT_RULES } from './rules/index.js';

/** What the NIPT pathway needs besides the order, derived once per hook call (see service.ts). */
export interface NiptContext {
  readonly snapshot: PatientSnapshot;
  readonly policy: Policy;
  readonly now: ClinicalNow;
  readonly facts: Omit<NiptFacts, 'order' | 'orderRef'>;
}

export interface NiptEvaluation {
  readonly category: NiptCategoryId;
  /** The card indicator this evaluation implies. */
  readonly indicator: Indicator;
  /** Exactly one category finding first, then every reason found (NIPT_REASON_IDS order). */
  readonly findings: readonly Finding[];
  /** The same findings with the version of the rule that made each (the category: the NIPT rule version). */
  readonly audited: readonly AuditedFinding[];
  readonly outcomes: Readonly<Partial<Record<NiptReasonId, RuleOutcome>>>;
  readonly undecided: readonly Undecided[];
  readonly errors: readonly RuleError[];
  /** Rule evaluations made, those that threw included. */
  readonly runs: number;
  /**
   * The rules that threw and leave the category open (see {@link categoryOpenedBy}); when there are
   * any, the category is not decided and no category card is built (docs/rules.md#nipt).
   */
  readonly categoryOpen: readonly RuleId[];
}

const RANK: Readonly<Record<Indicator, number>> = { info: 0, warning: 1, critical: 2 };
const CATEGORY_INDICATOR: Readonly<Record<NiptCategoryId, Indicator>> = {
  'nipt-not-applicable': 'critical',
  'nipt-caution': 'warning',
  'nipt-suitable': 'info',
};

/** The NIPT reasons that re-use a referral rule's decision (rules/common.ts `fromReferral`). */
const FROM_REFERRAL: Readonly<Partial<Record<string, NiptReasonId>>> = {
  ama: 'nipt-ama',
  'screening-high-risk': 'nipt-screening-high-risk',
  'fetal-anomaly': 'nipt-fetal-structural-anomaly',
};

/**
 * The rules whose error leaves the category open (docs/design.md#rule-failures): `nipt-suitable` —
 * the one reassuring category — says no reason applies, so any rule that threw (a NIPT rule, or a
 * referral rule of the same call) leaves it open; a not-applicable or caution category stands on a
 * reason that fired, and only a rule of a higher category that threw could change it (a referral
 * rule counts as the NIPT reason that re-uses it). A not-applicable card whose advice says the
 * record shows no prenatal-diagnosis indication cannot say so when a referral rule threw.
 */
export function categoryOpenedBy(
  category: NiptCategoryId,
  errors: readonly RuleError[],
  referralErrors: readonly RuleError[],
  advice: NiptAdvice | undefined,
  rules: readonly NiptRule[],
): readonly RuleId[] {
  const rank = (c: NiptCategoryId | undefined) => (c === undefined ? -1 : RANK[CATEGORY_INDICATOR[c]]);
  const higher = (id: NiptReasonId | undefined) => id !== undefined && rank(rules.find((r) => r.id === id)?.category) > rank(category);
  if (category === 'nipt-suitable') return [...referralErrors, ...errors].map((e) => e.rule);
  // The card's advice.no-referral sentence (card.ts adviceText): "no indication in the record".
  const claimsNoIndication = advice !== undefined && advice.kind !== 'prenatal-diagnosis' && advice.kind !== 'reorder' && !advice.referral;
  return [
    ...referralErrors.filter((e) => claimsNoIndication || higher(FROM_REFERRAL[e.rule])).map((e) => e.rule),
    ...errors.filter((e) => higher(e.rule as NiptReasonId)).map((e) => e.rule),
  ];
}

/**
 * Evaluates one draft NIPT order (docs/rules.md#nipt; ZJ-2023 Art.28, 29, 37, 22; NIPT-2016).
 * Every rule of the hook runs (a rule that throws becomes a RuleError; the others run). Category
 * precedence: not-applicable > caution > suitable. `nipt-suitable` needs the window met (GA
 * 12+0..22+6); an unknown GA (`nipt-ga-unknown`) without a not-applicable reason makes the order
 * `nipt-caution` (the window cannot be confirmed, docs/rules.md#nipt-caution). The category
 * finding's params list every reason found (`reasons`), the GA and window, the institution status
 * and the Art.24 referral findings (`art24`); a not-applicable order's also the advice its reasons
 * call for (`advice`, docs/rules.md#nipt-advice). A rule that threw may leave the category open
 * (`categoryOpen`): then the service builds no card for the order.
 */
export function evaluateNiptOrder(order: ServiceRequest, ctx: NiptContext, rules: readonly NiptRule[] = NIPT_RULES): NiptEvaluation {
  const orderRef = orderReference(order);
  const facts: NiptFacts = { ...ctx.facts, order, orderRef };
  const run = runRules(
    rules.filter((rule) => rule.hooks.includes(facts.hook)).map((rule) => ({ rule, facts })),
    { snapshot: ctx.snapshot, policy: ctx.policy, now: ctx.now },
  );
  const outcomes: Partial<Record<NiptReasonId, RuleOutcome>> = {};
  for (const { rule, outcome } of run.outcomes) outcomes[rule.id] = outcome;
  const reasons = run.fired;
  const fired = (c: NiptCategoryId) => reasons.some((r) => r.rule.category === c);
  const met = windowMet(facts.pregnancy, ctx.policy);
  const category: NiptCategoryId = fired('nipt-not-applicable')
    ? 'nipt-not-applicable'
    : fired('nipt-caution') || met !== true
      ? 'nipt-caution'
      : 'nipt-suitable';
  const indicator = reasons.reduce<Indicator>(
    (w, r) => (RANK[r.rule.indicator] > RANK[w] ? r.rule.indicator : w),
    CATEGORY_INDICATOR[category],
  );
  const ga = gaParams(facts.pregnancy);
  const { authorized, ...institution } = institutionStatus(facts.institution, ctx.now);
  const advice = niptAdvice(
    category,
    reasons.map((r) => r.finding),
    { pregnancy: facts.pregnancy, indications: facts.referral.findings, policy: ctx.policy, today: ctx.now.today },
  );
  const categoryFinding: Finding = {
    rule: category,
    citation: citationText(CLINICAL_CITATION),
    evidence: [orderRef, ...(ga ? ga.items.map((i) => i.reference) : [])],
    params: {
      order: orderRef,
      reasons: reasons.map((r) => r.finding.rule),
      byCategory: {
        'nipt-not-applicable': reasons.filter((r) => r.rule.category === 'nipt-not-applicable').map((r) => r.finding.rule),
        'nipt-caution': reasons.filter((r) => r.rule.category === 'nipt-caution').map((r) => r.finding.rule),
        'nipt-suitable': reasons.filter((r) => r.rule.category === 'nipt-suitable').map((r) => r.finding.rule),
      },
      window: niptWindow(ctx.policy),
      windowMet: met,
      ...(ga ? { gaDays: ga.gaDays, ga: ga.ga, edd: ga.edd, eddSource: ga.eddSource } : {}),
      institution: { authorized, ...institution },
      art24: facts.referral.findings.map((f) => f.rule),
      ...(advice ? { advice } : {}),
      hook: facts.hook,
      items: ga ? ga.items : [],
    },
  };
  return {
    category,
    indicator,
    findings: [categoryFinding, ...reasons.map((r) => r.finding)],
    audited: [audited({ version: NIPT_RULE_VERSION }, categoryFinding), ...reasons.map((r) => audited(r.rule, r.finding))],
    outcomes,
    undecided: run.undecided,
    errors: run.errors,
    runs: run.runs,
    categoryOpen: categoryOpenedBy(category, run.errors, facts.referral.errors, advice, rules),
  };
}
