import type { ClinicalNow } from '../clock.js';
import type { Policy } from '../clinical/policy.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import { citationText, type AuditedFinding, type Finding, type Rule, type RuleError, type RuleOutcome, type Undecided } from './rule.js';

/** One evaluation to make: a rule and the facts it evaluates (a rule may run more than once, e.g. once per ordered technique). */
export interface RuleRun<F, R extends Rule<F> = Rule<F>> {
  readonly rule: R;
  readonly facts: F;
}

/** What the rules of one call decided. */
export interface RuleRunResult<R extends Rule<never>> {
  /** The clinical "now" every rule was given. */
  readonly now: ClinicalNow;
  /** Each finding of each fired rule, with its rule, in run order. */
  readonly fired: readonly { readonly rule: R; readonly finding: Finding }[];
  /** Each rule that could not decide (`insufficient-data`), in run order. */
  readonly undecided: readonly Undecided[];
  /** Every outcome, in run order (a rule that threw has none; see `errors`). */
  readonly outcomes: readonly { readonly rule: R; readonly outcome: RuleOutcome }[];
  /** Rules that threw: id, version, citation, error. The other rules still ran. */
  readonly errors: readonly RuleError[];
  /** How many evaluations were made, those that threw included (`outcomes.length + errors.length`). */
  readonly runs: number;
}

/** The input every run shares: the record, the policy and the clock. */
export interface RuleRunContext {
  readonly snapshot: PatientSnapshot;
  readonly policy: Policy;
  readonly now: ClinicalNow;
}

/** An error class as it may be logged and counted: an identifier, never text that could quote data. */
const ERROR_CLASS = /^[A-Za-z_$][\w$]{0,63}$/;

/**
 * The class of what a rule threw (`TypeError`, `RangeError`, …): the constructor's name of an Error,
 * `typeof` of anything else. A name that is not a plain identifier (an Error whose `name` was set
 * from data) is reported as `Error`, so the class is safe to log.
 */
export function errorClassOf(e: unknown): string {
  if (!(e instanceof Error)) return typeof e;
  return ERROR_CLASS.test(e.name) ? e.name : 'Error';
}

/** A thrown non-Error as text; one that cannot be turned into text (a null-prototype object) is named by its type. */
function describeThrown(e: unknown): string {
  try {
    return String(e);
  } catch {
    return typeof e;
  }
}

/**
 * A RuleError from what a rule threw (outcomes are data; an exception is a bug, see docs/conventions.md).
 * `cause` is the message, which may quote record data: it goes to the audit only, never to a log or a card.
 */
export function ruleError(rule: Rule<never>, e: unknown): RuleError {
  return {
    rule: rule.id,
    version: rule.version,
    citation: citationText(rule.citation),
    cause: e instanceof Error ? e.message : describeThrown(e),
    errorClass: errorClassOf(e),
  };
}

/** A finding with the version of the rule that made it, for the audit. */
export function audited(rule: Pick<Rule<never>, 'version'>, finding: Finding): AuditedFinding {
  return { ...finding, ruleVersion: rule.version };
}

/**
 * The one rule runner of every service: each run is evaluated with the same snapshot, policy and
 * `now`; fired findings, undecided outcomes and rule errors are collected in run order. A rule that
 * throws becomes a RuleError and the others run.
 */
export function runRules<F, R extends Rule<F>>(runs: Iterable<RuleRun<F, R>>, context: RuleRunContext): RuleRunResult<R> {
  const fired: { rule: R; finding: Finding }[] = [];
  const undecided: Undecided[] = [];
  const outcomes: { rule: R; outcome: RuleOutcome }[] = [];
  const errors: RuleError[] = [];
  for (const { rule, facts } of runs) {
    let outcome: RuleOutcome;
    try {
      outcome = rule.evaluate({ snapshot: context.snapshot, facts, policy: context.policy, now: context.now });
    } catch (e) {
      errors.push(ruleError(rule as Rule<never>, e));
      continue;
    }
    outcomes.push({ rule, outcome });
    if (outcome.status === 'fired') for (const finding of outcome.findings) fired.push({ rule, finding });
    else if (outcome.status === 'insufficient-data') {
      undecided.push({
        rule: rule.id,
        ruleVersion: rule.version,
        citation: citationText(rule.citation),
        title: rule.title,
        reason: outcome.reason,
        evidence: outcome.evidence ?? [],
      });
    }
  }
  return { now: context.now, fired, undecided, outcomes, errors, runs: outcomes.length + errors.length };
}
