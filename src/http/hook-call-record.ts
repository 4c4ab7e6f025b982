import type { CdsResponse } from '../cds-hooks/card-schema.js';
import type { AuthContext, HookRequest, ServiceDefinition, ServiceResult } from '../ports.js';
import type { CardRecord, HookCallRecord } from '../store/records.js';
import { FINDINGS_EXTENSION } from '../cds-hooks/conformance.js';

/** A suggestion's kind for the audit trail: its actions, e.g. `create:ServiceRequest`, `delete`. */
function suggestionKind(actions: readonly { type: string; resource?: { resourceType: string } }[] | undefined): string {
  const kinds = (actions ?? []).map((a) => (a.resource ? `${a.type}:${a.resource.resourceType}` : a.type));
  return kinds.length ? kinds.join('+') : 'none';
}

function cardRecords(response: CdsResponse): CardRecord[] {
  return response.cards.map((c) => {
    const findings = (c.extension?.[FINDINGS_EXTENSION] ?? []) as { rule?: unknown }[];
    return {
      uuid: c.uuid,
      indicator: c.indicator,
      rules: [...new Set(findings.map((f) => String(f.rule)))],
      suggestions: (c.suggestions ?? []).map((s) => ({ uuid: s.uuid ?? '', kind: suggestionKind(s.actions) })),
    };
  });
}

const idOf = (reference: unknown, type: string): string | undefined => {
  if (typeof reference !== 'string') return undefined;
  const m = new RegExp(`^${type}/([^/]+)$`).exec(reference);
  return m?.[1];
};

export interface HookCallFacts {
  readonly def: ServiceDefinition;
  readonly request: HookRequest;
  readonly auth: AuthContext;
  readonly receivedAt: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly result?: ServiceResult;
}

/**
 * What one hook call leaves in the audit trail (docs/design.md#audit): ids, rule ids, card and suggestion
 * uuids, the notice — never a token or a resource body.
 */
export function hookCallRecord(f: HookCallFacts): HookCallRecord {
  const ctx = f.request.context;
  const audit = f.result?.audit;
  const notice = f.result?.notice;
  return {
    hookInstance: f.request.hookInstance,
    serviceId: f.def.id,
    hook: f.def.hook,
    receivedAt: f.receivedAt,
    issuer: f.auth.issuer,
    tenant: f.auth.tenant,
    institutionId: audit?.institutionId,
    practitionerId: audit?.practitionerId ?? idOf(ctx.userId, 'Practitioner'),
    patientId: typeof ctx.patientId === 'string' ? ctx.patientId : undefined,
    pregnancyKey: audit?.pregnancyKey,
    status: f.status,
    latencyMs: f.latencyMs,
    findings: (f.result?.findings ?? []).map((x) => ({ rule: x.rule, citation: x.citation, evidence: x.evidence, params: x.params })),
    cards: f.result ? cardRecords(f.result.response) : [],
    ruleErrors: (f.result?.ruleErrors ?? []).map((e) => ({ rule: e.rule, cause: e.cause })),
    notice: notice
      ? { ...notice, pregnancyKey: audit?.pregnancyKey, practitionerId: audit?.practitionerId, rules: [...new Set((f.result?.findings ?? []).map((x) => x.rule))] }
      : undefined,
  };
}
