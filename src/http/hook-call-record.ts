import type { Suggestion } from '../cds-hooks/card-schema.js';
import type { AuthContext } from '../ports.js';
import type { HookRequest, ServiceDefinition } from '../cds-hooks/wire.js';
import type { CardResult, ServiceResult } from '../engine/service.js';
import type { ClinicalNow } from '../clock.js';
import { idOf } from '../fhir/references.js';
import type { CardRecord, HookCallRecord } from '../store/records.js';

/** A suggestion's kind for the audit trail: its actions, e.g. `create:ServiceRequest`, `delete`. */
function suggestionKind(actions: Suggestion['actions']): string {
  const kinds = (actions ?? []).map((a) => (a.resource ? `${a.type}:${String(a.resource['resourceType'])}` : a.type));
  return kinds.length ? kinds.join('+') : 'none';
}

function cardRecord({ card, findings }: CardResult): CardRecord {
  return {
    uuid: card.uuid,
    indicator: card.indicator,
    // The rules of the findings the card carries (its undecided outcomes are stored apart, table `undecided`).
    rules: [...new Set(findings.map((f) => f.rule))],
    suggestions: (card.suggestions ?? []).map((s) => ({ uuid: s.uuid ?? '', kind: suggestionKind(s.actions) })),
  };
}

export interface HookCallFacts {
  readonly def: ServiceDefinition;
  readonly request: HookRequest;
  readonly auth: AuthContext;
  /** The one clock reading of the call: when it was received, and the "now" the rules were given. */
  readonly now: ClinicalNow;
  readonly status: number;
  readonly latencyMs: number;
  readonly result?: ServiceResult;
  /** Her record number from the snapshot's Patient (MRN_SYSTEM, docs/design.md#patient-identity). */
  readonly patientMrn?: string;
}

/**
 * What one hook call leaves in the audit trail (docs/design.md#audit), from the service's result
 * as data (never from the rendered JSON): ids, rule ids with their versions and citations, card and
 * suggestion uuids, rule errors, the notice and the clinical "now" — never a token or a resource body.
 */
export function hookCallRecord(f: HookCallFacts): HookCallRecord {
  const ctx = f.request.context;
  const r = f.result;
  const findings = (r?.cards ?? []).flatMap((c) => c.findings);
  const notice = r?.notice;
  return {
    hookInstance: f.request.hookInstance,
    serviceId: f.def.id,
    hook: f.def.hook,
    receivedAt: f.now.instant,
    clinicalToday: f.now.today,
    clinicTimeZone: f.now.timeZone,
    issuer: f.auth.issuer,
    tenant: f.auth.tenant,
    institutionId: r?.institution?.id,
    institutionVia: r?.institution?.via,
    practitionerId: r?.practitionerId ?? idOf(typeof ctx.userId === 'string' ? ctx.userId : undefined, 'Practitioner'),
    patientId: typeof ctx.patientId === 'string' ? ctx.patientId : undefined,
    patientMrn: f.patientMrn,
    pregnancyKey: r?.pregnancyKey,
    edd: r?.edd,
    status: f.status,
    latencyMs: f.latencyMs,
    findings: findings.map((x) => ({
      rule: x.rule,
      ruleVersion: x.ruleVersion,
      citation: x.citation,
      evidence: x.evidence,
      params: x.params,
    })),
    cards: (r?.cards ?? []).map(cardRecord),
    ruleErrors: (r?.ruleErrors ?? []).map((e) => ({
      rule: e.rule,
      ruleVersion: e.version,
      citation: e.citation,
      cause: e.cause,
      errorClass: e.errorClass,
    })),
    undecided: [...(r?.undecided ?? []), ...(r?.cards ?? []).flatMap((c) => c.undecided)].map((u) => ({
      rule: u.rule,
      ruleVersion: u.ruleVersion,
      citation: u.citation,
      reason: u.reason,
      evidence: u.evidence,
    })),
    notice: notice
      ? {
          ...notice,
          pregnancyKey: r?.pregnancyKey,
          edd: r?.edd,
          practitionerId: r?.practitionerId,
          rules: [...new Set(findings.map((x) => x.rule))],
        }
      : undefined,
    noticeLink: r?.noticeLink,
    ...(r?.followUp?.length ? { followUp: r.followUp } : {}),
  };
}
