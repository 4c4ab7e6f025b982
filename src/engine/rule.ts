import type { ClinicalNow } from '../clock.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import type { Policy } from '../clinical/policy.js';
import type { RuleId } from './rule-ids.js';

/** Service ids — an interface (docs/design.md#services). */
export type ServiceId =
  'prenatal-diagnosis-referral' | 'prenatal-diagnosis-referral-encounter' | 'nipt-order-check' | 'special-technique-order-sign';

/**
 * A finding as it goes on the wire in the card extension `org.prenatal-cds.findings`
 * (docs/design.md#findings-extension). `params` carries the values that decided it (thresholds, measured values
 * with units and dates, which reference date was used…) so that rendering — per locale — and
 * auditors can explain it without re-reading the record.
 */
export interface Finding {
  readonly rule: RuleId;
  /** e.g. "ZJ-2023 Art.24(5); PDM Art.17(5)". */
  readonly citation: string;
  /** FHIR references of the evidence, e.g. ["Observation/abc", "Patient/p1"]. */
  readonly evidence: readonly string[];
  readonly params: Readonly<Record<string, unknown>>;
}

/** What one rule decided. Outcomes are data; exceptions are bugs (the engine records them). */
export type RuleOutcome =
  | { readonly status: 'fired'; readonly findings: readonly Finding[] }
  | { readonly status: 'not-fired' }
  /** The rule does not apply to this record (e.g. not currently pregnant). */
  | { readonly status: 'not-applicable'; readonly reason: string }
  /** The rule could not decide: data missing or unusable (e.g. year-only birthDate). */
  | {
      readonly status: 'insufficient-data';
      readonly reason: string;
      /** References of the records that could not be used, when there are any. */
      readonly evidence?: readonly string[];
      readonly params?: Readonly<Record<string, unknown>>;
    };

/** A rule that threw: recorded, audited, counted, and the other rules still run. */
export interface RuleError {
  readonly rule: RuleId;
  readonly version: string;
  readonly citation: string;
  /** The error's message. */
  readonly cause: string;
  /** The error's class (`TypeError`, …), for counting without reading messages. */
  readonly errorClass: string;
}

/** A finding as the audit keeps it: the wire finding plus the version of the rule that made it. */
export interface AuditedFinding extends Finding {
  readonly ruleVersion: string;
}

/** A rule that could not decide, as the audit keeps it (and, later, the undecided card shows it). */
export interface Undecided {
  readonly rule: RuleId;
  readonly ruleVersion: string;
  readonly citation: string;
  /** The rule's title per locale, for the card. */
  readonly title: Rule['title'];
  readonly reason: string;
  readonly evidence: readonly string[];
}

/** Citation of a rule: the Zhejiang article and, where it exists, the national one. */
export interface Citation {
  /** e.g. "ZJ-2023 Art.24(5)". */
  readonly zj: string;
  /** e.g. "PDM Art.17(5)" or "NIPT-2016". */
  readonly national?: string;
}

export function citationText(c: Citation): string {
  return c.national ? `${c.zj}; ${c.national}` : c.zj;
}

/** The input every rule evaluates: data, facts derived once per request, policy, the clock. */
export interface RuleInput<F = unknown> {
  readonly snapshot: PatientSnapshot;
  /** Facts derived once per request and shared by rules (current pregnancy, best EDD, GA…). */
  readonly facts: F;
  readonly policy: Policy;
  readonly now: ClinicalNow;
}

/**
 * A rule is a record (docs/conventions.md#rule-record): one per file, with its citation, the services that run it,
 * the named data elements it reads, and a pure `evaluate`.
 */
export interface Rule<F = unknown> {
  readonly id: RuleId;
  readonly version: string;
  readonly title: { readonly 'zh-CN': string; readonly en: string };
  readonly citation: Citation;
  readonly services: readonly ServiceId[];
  /** Data element ids (see the data-element dictionary), never raw codes. */
  readonly inputs: readonly string[];
  evaluate(input: RuleInput<F>): RuleOutcome;
}
