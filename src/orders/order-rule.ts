import type { ServiceRequest } from '@medplum/fhirtypes';
import type { PregnancyFacts } from '../clinical/finding-params.js';
import { citationText, type Rule, type RuleInput, type RuleOutcome } from '../engine/rule.js';
import type { OrderRuleId } from '../engine/rule-ids.js';
import type { CredentialContext, RegistryMatchInfo } from './credential-context.js';
import type { OrderTechniques, TechniqueRequirement } from './technique.js';

/**
 * The facts an order rule evaluates: one draft order, one of its technique requirements (absent
 * for order-level rules such as the Art.31 sex-determination guard), and the call's credentials.
 */
export interface OrderFacts {
  readonly order: ServiceRequest;
  /** `ServiceRequest/<id>` (or `ServiceRequest` when the draft has no id). */
  readonly orderRef: string;
  readonly techniques: OrderTechniques;
  readonly requirement?: TechniqueRequirement;
  readonly context: CredentialContext;
  /** The current pregnancy (best EDD, GA), derived once per call (docs/rules.md#current-pregnancy). */
  readonly pregnancy: PregnancyFacts;
}

/**
 * An order rule: the shared Rule record (one per file, docs/rules.md#orders) plus its indicator and
 * whether it runs per technique requirement or once per order.
 */
export interface OrderRule extends Rule<OrderFacts> {
  readonly id: OrderRuleId;
  readonly indicator: 'critical' | 'warning';
  readonly scope: 'technique' | 'order';
}

export type OrderRuleInput = RuleInput<OrderFacts>;

function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/**
 * How the registry record was found (src/registry/CSV.md#matching): `registryMatch` = `identifier` |
 * `certificate-number` | `licence-number` | `id`, and `registryId` when the registry's id is not the EHR's.
 */
function registryMatchParams(m: RegistryMatchInfo | undefined, ehrId: string | undefined): Record<string, unknown> {
  if (!m) return {};
  return { registryMatch: m.match, ...(m.registryId !== ehrId ? { registryId: m.registryId } : {}) };
}

/** Params every order finding carries (who, where, which technique, where the data came from). */
export function baseParams(f: OrderFacts, kind: 'certificate' | 'licence' | 'order'): Record<string, unknown> {
  const c = f.context;
  return compact({
    order: f.orderRef,
    techniques: f.requirement ? [...f.requirement.acceptable] : undefined,
    practitioner: c.practitionerId ? `Practitioner/${c.practitionerId}` : undefined,
    organization: kind !== 'certificate' && c.organizationId ? `Organization/${c.organizationId}` : undefined,
    organizationVia: kind === 'licence' ? c.organizationVia : undefined,
    registryUnavailable: kind !== 'order' && c.registryUnavailable ? true : undefined,
    ...registryMatchParams(
      kind === 'certificate' ? c.practitionerMatch : kind === 'licence' ? c.organizationMatch : undefined,
      kind === 'certificate' ? c.practitionerId : c.organizationId,
    ),
    dataProblems: kind !== 'order' && c.problems.length > 0 ? [...c.problems] : undefined,
  });
}

/** Evidence references of a finding. */
export function evidence(f: OrderFacts, kind: 'certificate' | 'licence' | 'order', extra: readonly string[] = []): string[] {
  const c = f.context;
  const refs = [f.orderRef];
  if (kind !== 'order' && c.practitionerId) refs.push(`Practitioner/${c.practitionerId}`);
  if (kind === 'licence') {
    if (c.practitionerRole && c.organizationVia === 'practitioner-role') refs.push(c.practitionerRole);
    if (c.encounter && c.organizationVia === 'encounter') refs.push(c.encounter);
    if (c.organizationId) refs.push(`Organization/${c.organizationId}`);
  }
  return [...new Set([...refs, ...extra])];
}

/** A fired outcome with one finding of `rule`. */
export function fired(
  rule: Pick<OrderRule, 'id' | 'citation'>,
  evidenceRefs: readonly string[],
  params: Record<string, unknown>,
): RuleOutcome {
  return {
    status: 'fired',
    findings: [{ rule: rule.id, citation: citationText(rule.citation), evidence: evidenceRefs, params: compact(params) }],
  };
}

export const NOT_FIRED: RuleOutcome = { status: 'not-fired' };
