import type { Card } from '../cds-hooks/card-schema.js';
import type { HookRequest } from '../cds-hooks/wire.js';
import type { ClinicalNow } from '../clock.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import type { FollowUpEvent } from '../clinical/data-elements/follow-up-events.js';
import type { IssuedNoticeLink } from './notice-link.js';
import type { StoredNotice } from './stored-notice.js';
import type { AuditedFinding, RuleError, Undecided } from './rule.js';

/**
 * One card of an answer with what the audit keeps of it: the findings it carries (its
 * `org.prenatal-cds.findings`, with rule versions) and the undecided outcomes it reports.
 */
export interface CardResult {
  readonly card: Card;
  readonly findings: readonly AuditedFinding[];
  readonly undecided: readonly Undecided[];
}

/** How the institution of a call was found (docs/design.md#institution). */
export type InstitutionSource = 'practitioner-role' | 'encounter' | 'issuer' | 'policy';

/**
 * What a service returns for one hook call: its cards and everything the audit records of them,
 * as data — the audit never reads the rendered JSON back.
 */
export interface ServiceResult {
  /** The clinical "now" the rules were given. */
  readonly now: ClinicalNow;
  readonly cards: readonly CardResult[];
  /** Undecided outcomes of the call that no card reports. */
  readonly undecided: readonly Undecided[];
  /** Rules that threw (id, version, citation, error); the other rules still ran. */
  readonly ruleErrors: readonly RuleError[];
  /**
   * How many rule evaluations the call made, those that threw included (a rule run once per order
   * counts once per order). Absent when the service did not count them: never "every rule failed".
   */
  readonly ruleRuns?: number;
  /** Notice issued by this call, if any: stored (with its hash) before the answer leaves. */
  readonly notice?: StoredNotice;
  /** The link the card carries to the notice page (this call's notice or one stored earlier): stored with the call. */
  readonly noticeLink?: IssuedNoticeLink;
  readonly pregnancyKey?: string;
  /** The call's best EDD (YYYY-MM-DD), stored beside the key (docs/design.md#pregnancy-identity). */
  readonly edd?: string;
  readonly practitionerId?: string;
  readonly institution?: { readonly id: string; readonly via: InstitutionSource };
  /** The follow-up the call observed in the record (docs/design.md#follow-up): stored with the call. */
  readonly followUp?: readonly FollowUpEvent[];
}

/** A service: snapshot + request + now → result. Persisting is the caller's job. */
export type ServiceHandler = (input: {
  readonly snapshot: PatientSnapshot;
  readonly request: HookRequest;
  readonly now: ClinicalNow;
  /** The institution bound to the verified issuer/tenant (TRUSTED_ISSUERS), if any. */
  readonly issuerInstitution?: string;
  /** The EHR calling: verified issuer (`dev` when auth is off) and tenant; a reused notice stays with its EHR (docs/design.md#notice-reuse). */
  readonly ehr?: { readonly issuer: string; readonly tenant?: string };
}) => Promise<ServiceResult> | ServiceResult;

/** An answer with no card. */
export function emptyResult(now: ClinicalNow, extra: Partial<Omit<ServiceResult, 'now' | 'cards'>> = {}): ServiceResult {
  return { now, cards: [], undecided: [], ruleErrors: [], ...extra };
}

/**
 * One answer made of several services' results, in order (e.g. order-sign: the certificate and
 * licence checks, then the NIPT re-check). Audit facts come from the first result that has them.
 */
export function combineResults(now: ClinicalNow, results: readonly ServiceResult[]): ServiceResult {
  const first = <K extends 'notice' | 'noticeLink' | 'pregnancyKey' | 'edd' | 'practitionerId' | 'institution'>(k: K) =>
    results.find((r) => r[k] !== undefined)?.[k];
  const notice = first('notice');
  const noticeLink = first('noticeLink');
  const pregnancyKey = first('pregnancyKey');
  const edd = first('edd');
  const practitionerId = first('practitionerId');
  const institution = first('institution');
  return {
    now,
    cards: results.flatMap((r) => r.cards),
    undecided: results.flatMap((r) => r.undecided),
    ruleErrors: results.flatMap((r) => r.ruleErrors),
    ...(results.some((r) => r.ruleRuns !== undefined) ? { ruleRuns: results.reduce((n, r) => n + (r.ruleRuns ?? 0), 0) } : {}),
    ...(notice ? { notice } : {}),
    ...(noticeLink ? { noticeLink } : {}),
    ...(pregnancyKey ? { pregnancyKey } : {}),
    ...(edd ? { edd } : {}),
    ...(practitionerId ? { practitionerId } : {}),
    ...(institution ? { institution } : {}),
  };
}

/**
 * Every rule of the call failed (docs/design.md#rule-failures): at least one rule ran and every rule
 * that ran threw. A rule that returned any outcome — not-applicable and insufficient-data included —
 * did not fail; rules never run (no current pregnancy, no order concerned) are neither.
 */
export function everyRuleFailed(result: Pick<ServiceResult, 'ruleErrors' | 'ruleRuns'>): boolean {
  return result.ruleRuns !== undefined && result.ruleRuns > 0 && result.ruleErrors.length >= result.ruleRuns;
}
