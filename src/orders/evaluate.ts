import type { ServiceRequest } from '@medplum/fhirtypes';
import type { ClinicalNow } from '../clock.js';
import type { PregnancyFacts } from '../clinical/finding-params.js';
import type { Policy } from '../clinical/policy.js';
import type { RuleError, Undecided } from '../engine/rule.js';
import { runRules, type RuleRun } from '../engine/run-rules.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import type { CredentialContext } from './credential-context.js';
import type { RuledFinding } from './card.js';
import type { OrderFacts, OrderRule } from './order-rule.js';
import type { OrderTechniques } from './technique.js';

/**
 * Runs the order rules over one draft order through the engine: technique-scoped rules once per
 * technique requirement, order-scoped rules once.
 */
export function evaluateOrder(
  rules: readonly OrderRule[],
  input: {
    readonly order: ServiceRequest;
    readonly techniques: OrderTechniques;
    readonly context: CredentialContext;
    readonly pregnancy: PregnancyFacts;
    readonly snapshot: PatientSnapshot;
    readonly policy: Policy;
    readonly now: ClinicalNow;
  },
): { findings: RuledFinding[]; undecided: Undecided[]; errors: RuleError[]; runs: number } {
  const { order, techniques, context, pregnancy, snapshot, policy, now } = input;
  const orderRef = order.id ? `ServiceRequest/${order.id}` : 'ServiceRequest';
  const runs: RuleRun<OrderFacts, OrderRule>[] = [];
  for (const rule of rules) {
    if (rule.scope === 'order') runs.push({ rule, facts: { order, orderRef, techniques, context, pregnancy } });
    else
      for (const requirement of techniques.requirements)
        runs.push({ rule, facts: { order, orderRef, techniques, requirement, context, pregnancy } });
  }
  const run = runRules(runs, { snapshot, policy, now });
  return { findings: [...run.fired], undecided: [...run.undecided], errors: [...run.errors], runs: run.runs };
}
