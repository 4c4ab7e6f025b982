import { instantDay } from '../calendar/index.js';
import { compareIds } from '../text/natural-order.js';
import { UNKNOWN_KEY } from './compliance-groups.js';
import { ehrOf } from './pregnancy-identity.js';

/**
 * Data quality for QC (docs/design.md#data-quality): the undecided outcomes ("could not decide" —
 * data missing or unusable) and the rule errors ("could not evaluate" — a rule threw) of the hook
 * calls received on a calendar day of [from, to] in the clinic's zone, counted per institution or
 * per rule, with the list. Pure: audit rows in, report out.
 */

export const DATA_QUALITY_GROUP_BYS = ['institution', 'rule'] as const;
export type DataQualityGroupBy = (typeof DATA_QUALITY_GROUP_BYS)[number];
export const DATA_QUALITY_KINDS = ['undecided', 'rule-error'] as const;
export type DataQualityKind = (typeof DATA_QUALITY_KINDS)[number];

/** The call facts every audit row of a child table carries (src/store/audit-queries.ts `CallContext`). */
interface CallFacts {
  readonly hookCallId: string;
  readonly receivedAt: string;
  readonly serviceId: string;
  readonly institutionId?: string;
  readonly practitionerId?: string;
  readonly patientId?: string;
  /** The call's issuer and tenant: the EHR that owns `patientId` (docs/design.md#pregnancy-identity). */
  readonly issuer?: string;
  readonly tenant?: string;
}

export interface UndecidedInput extends CallFacts {
  readonly rule: string;
  readonly ruleVersion?: string;
  readonly reason: string;
  readonly evidence: readonly string[];
}

/** A rule error as QC sees it: its class, never its message (which may quote record data). */
export interface RuleErrorInput extends CallFacts {
  readonly rule: string;
  readonly ruleVersion?: string;
  readonly errorClass?: string;
}

export interface DataQualityInput {
  readonly undecided: readonly UndecidedInput[];
  readonly ruleErrors: readonly RuleErrorInput[];
}

export interface DataQualityCounts {
  /** Undecided outcomes (a rule run per order counts once per order). */
  readonly undecided: number;
  readonly ruleErrors: number;
  /** Distinct hook calls with at least one of either. */
  readonly calls: number;
}

export interface DataQualityRow extends DataQualityCounts {
  readonly key: string;
}

/** One undecided outcome or rule error, with the call it came from. */
export interface DataQualityItem {
  readonly kind: DataQualityKind;
  readonly receivedAt: string;
  readonly hookCall: string;
  readonly service: string;
  readonly institution: string | null;
  readonly practitioner: string | null;
  readonly patient: string | null;
  /** The EHR that owns `patient` (`ehrOf`), for the QC presenter's pseudonym only: never sent. */
  readonly ehr?: string;
  readonly rule: string;
  readonly ruleVersion: string | null;
  /** The undecided reason; for a rule error `rule-error: <class>`. */
  readonly reason: string;
  readonly evidence: readonly string[];
}

export interface DataQualityReport {
  readonly from: string;
  readonly to: string;
  readonly groupBy: DataQualityGroupBy;
  readonly rows: readonly DataQualityRow[];
  readonly total: DataQualityCounts;
  readonly items: readonly DataQualityItem[];
}

export interface DataQualityOptions {
  readonly from: string;
  readonly to: string;
  readonly groupBy: DataQualityGroupBy;
  readonly timeZone: string;
}

function item(kind: DataQualityKind, r: CallFacts & { rule: string; ruleVersion?: string }, reason: string, evidence: readonly string[]) {
  const ehr = ehrOf(r);
  return {
    kind,
    receivedAt: r.receivedAt,
    hookCall: r.hookCallId,
    service: r.serviceId,
    institution: r.institutionId ?? null,
    practitioner: r.practitionerId ?? null,
    patient: r.patientId ?? null,
    ...(ehr !== undefined ? { ehr } : {}),
    rule: r.rule,
    ruleVersion: r.ruleVersion ?? null,
    reason,
    evidence: [...evidence],
  } satisfies DataQualityItem;
}

function count(items: readonly DataQualityItem[]): DataQualityCounts {
  return {
    undecided: items.filter((i) => i.kind === 'undecided').length,
    ruleErrors: items.filter((i) => i.kind === 'rule-error').length,
    calls: new Set(items.map((i) => i.hookCall)).size,
  };
}

/**
 * The report: rows by key in natural order (docs/design.md#cli-output), items oldest first
 * (undecided before rule errors within a call).
 */
export function computeDataQuality(input: DataQualityInput, o: DataQualityOptions): DataQualityReport {
  const inPeriod = (r: CallFacts) => {
    const day = instantDay(r.receivedAt, o.timeZone);
    return day >= o.from && day <= o.to;
  };
  const items = [
    ...input.undecided.filter(inPeriod).map((u) => item('undecided', u, u.reason, u.evidence)),
    ...input.ruleErrors.filter(inPeriod).map((e) => item('rule-error', e, `rule-error: ${e.errorClass ?? 'Error'}`, [])),
  ].sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : a.hookCall.localeCompare(b.hookCall)));
  const groups = new Map<string, DataQualityItem[]>();
  for (const i of items) {
    const key = o.groupBy === 'rule' ? i.rule : (i.institution ?? UNKNOWN_KEY);
    const list = groups.get(key);
    if (list) list.push(i);
    else groups.set(key, [i]);
  }
  const rows = [...groups.keys()].sort(compareIds).map((key) => ({ key, ...count(groups.get(key)!) }));
  return { from: o.from, to: o.to, groupBy: o.groupBy, rows, total: count(items), items };
}
