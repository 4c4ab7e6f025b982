import type { ServiceRequest } from '@medplum/fhirtypes';
import type { ClinicalNow } from '../clock.js';
import type { Policy } from '../clinical/policy.js';
import { citationText, type RuleError } from '../engine/rule.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import type { CredentialContext } from './credential-context.js';
import type { RuledFinding } from './card.js';
import type { OrderFacts, OrderRule } from './order-rule.js';
import type { OrderTechniques } from './technique.js';

/**
 * Runs the order rules over one draft order: technique-scoped rules once per technique
 * requirement, order-scoped rules once. A rule that throws becomes a RuleError (STYLE.md:
 * outcomes are data, exceptions are bugs) and the other rules still run.
 */
export function evaluateOrder(
  rules: readonly OrderRule[],
  input: {
    readonly order: ServiceRequest;
    readonly techniques: OrderTechniques;
    readonly context: CredentialContext;
    readonly snapshot: PatientSnapshot;
    readonly policy: Policy;
    readonly now: ClinicalNow;
  },
): { findings: RuledFinding[]; errors: RuleError[] } {
  const { order, techniques, context, snapshot, policy, now } = input;
  const orderRef = order.id ? `ServiceRequest/${order.id}` : 'ServiceRequest';
  const findings: RuledFinding[] = [];
  const errors: RuleError[] = [];
  const run = (rule: OrderRule, facts: OrderFacts) => {
    try {
      const out = rule.evaluate({ snapshot, facts, policy, now });
      if (out.status === 'fired') for (const finding of out.findings) findings.push({ rule, finding });
    } catch (e) {
      errors.push({ rule: rule.id, version: rule.version, citation: citationText(rule.citation), cause: e instanceof Error ? e.message : String(e) });
    }
  };
  for (const rule of rules) {
    if (rule.scope === 'order') run(rule, { order, orderRef, techniques, context });
    else for (const requirement of techniques.requirements) run(rule, { order, orderRef, techniques, requirement, context });
  }
  return { findings, errors };
}
