import type { Logger } from 'pino';
import type { RuleError } from '../engine/rule.js';
import type { ServiceResult } from '../engine/service.js';

/** The call a rule error belongs to, as the log names it: ids only. */
export interface RuleErrorCall {
  readonly serviceId: string;
  readonly hookInstance: string;
}

/**
 * Logs each rule error of a hook call (docs/design.md#rule-failures), one line each at level
 * `error`: rule id, rule version, error class, service id and hookInstance. Never the error's
 * message or stack (either may quote record data — names, free text); the message stays in the
 * audit (`rule_error.cause`).
 */
export function logRuleErrors(logger: Logger, call: RuleErrorCall, errors: readonly RuleError[]): void {
  for (const e of errors) {
    logger.error(
      {
        rule: e.rule,
        ruleVersion: e.version,
        errorClass: e.errorClass,
        serviceId: call.serviceId,
        hookInstance: call.hookInstance.slice(0, 100),
      },
      'rule failed: could not evaluate',
    );
  }
}

/**
 * What the audit keeps of a call answered 500 because every rule failed: its rule errors, facts
 * and undecided outcomes, but no card and no notice — none was sent.
 */
export function unanswered(result: ServiceResult): ServiceResult {
  const { notice: _notice, ...rest } = result;
  return { ...rest, cards: [], undecided: [...result.undecided, ...result.cards.flatMap((c) => c.undecided)] };
}
