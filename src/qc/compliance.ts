import { addDays, canonicalInstantMs, instantDay } from '../calendar/index.js';
import type {
  CallFacts,
  CaseStatus,
  ComplianceCase,
  ComplianceInput,
  ComplianceOptions,
  ComplianceReport,
  FindingFact,
} from './compliance-types.js';
import { groupCases, countCases } from './compliance-groups.js';
import { DEFAULT_POLICY } from '../clinical/policy.js';
import { ehrOf, resolvePregnancies, shownPregnancy, type PregnancyIndex } from './pregnancy-identity.js';
import { caseStatus } from './case-status.js';
import { compareCodeUnits, compareText } from '../text/natural-order.js';

/**
 * Art. 25 written-notice compliance (docs/design.md#qc, `notification-compliance`), a pure
 * function of audit rows and the clinic's `today`:
 * - a pregnancy is resolved from every sighting of the woman (`pregnancyIndex`,
 *   docs/design.md#pregnancy-identity): a revised EDD is the same case, whose EDD is the latest;
 * - *indicated*: its first referral-rule finding (REFERRAL_RULE_IDS) falls on a calendar day of
 *   [from, to] in CLINIC_TIMEZONE — confirmed again on later visits, it still counts once; first
 *   indicated before `from` (the caller fetches a lookback), it is not counted in this period;
 * - *due by*: the clinic day `deadlineDays` after that first finding's day;
 * - *notified*: an acknowledgement of one of its notices signed, or a completed notice
 *   Communication observed; `noticeAt` = the earliest. A clicked notice suggestion is only
 *   `notice-issued`; an override does not excuse the notice;
 * - the status (docs/design.md#case-status) and the rates over the cases whose deadline passed or
 *   that are notified (`countCases`).
 */
export function computeCompliance(input: ComplianceInput, opts: ComplianceOptions): ComplianceReport {
  return complianceFromFacts(pregnancyFacts(input, opts, pregnancyIndex(input, opts)), opts);
}

/**
 * The report of a period from its pregnancies' facts (`pregnancyFacts`, or the stored ones of the
 * per-pregnancy summary, docs/design.md#qc-summary): the cases `caseOf` selects, in the report's
 * order, grouped and counted.
 */
export function complianceFromFacts(facts: readonly PregnancyFacts[], opts: ComplianceOptions): ComplianceReport {
  const cases = casesOf(facts, opts).map((c) => c.case);
  const at = { timeZone: opts.timeZone, today: opts.today };
  return {
    from: opts.from,
    to: opts.to,
    groupBy: opts.groupBy,
    rows: groupCases(cases, opts.groupBy, at),
    total: countCases(cases, at),
    cases,
  };
}

/**
 * The period's cases of these pregnancies (`caseOf`), each with its pregnancy's id (unique across
 * EHRs; the case shows `shownPregnancy` of it), in the report's order: by first indication, then pregnancy.
 */
export function casesOf(
  facts: readonly PregnancyFacts[],
  opts: Omit<ComplianceOptions, 'groupBy'>,
): { id: string; case: ComplianceCase }[] {
  const cases = facts.flatMap((f) => {
    const c = caseOf(f, opts);
    return c === undefined ? [] : [{ id: f.id, case: c }];
  });
  return cases.sort(
    (a, b) =>
      compareCodeUnits(a.case.firstIndicatedAt, b.case.firstIndicatedAt) ||
      compareText(a.case.pregnancy, b.case.pregnancy) ||
      compareText(a.id, b.id),
  );
}

/**
 * What the report needs of one indicated pregnancy, whatever the period
 * (docs/design.md#qc-summary): its first referral finding's call, the first instant of each
 * referral rule, and its notice events — the earliest notification, acknowledgement and click, the
 * latest decision — with its latest EDD. A period selects and classifies these (`caseOf`); the
 * per-pregnancy summary stores them.
 */
export interface PregnancyFacts {
  /** The pregnancy's id in the index (unique across EHRs). */
  readonly id: string;
  /** The call of its earliest referral finding (the first in row order among equal instants). */
  readonly first: CallFacts;
  /** Per referral rule seen, the instant of its earliest finding. */
  readonly rules: Readonly<Record<string, string>>;
  readonly edd: string | null;
  readonly noticeAt: string | null;
  readonly issuedAt: string | null;
  readonly acknowledgedAt: string | null;
  readonly decision: string | null;
}

/**
 * Every pregnancy of `index` with a referral finding in the rows, as `PregnancyFacts`. Instants are
 * kept as the rows give them; nothing here depends on a period or on `today`.
 */
export function pregnancyFacts(
  input: ComplianceInput,
  opts: Pick<ComplianceOptions, 'referralRules'>,
  index: PregnancyIndex,
): PregnancyFacts[] {
  const first = firstFindings(input.findings, opts, index);
  const notified = new Map<string, string>();
  const acks = new Map<string, string>();
  const decisions = new Map<string, { at: string; decision: string }>();
  for (const a of input.acknowledgements) {
    const pregnancy = index.of(a) ?? a.patientId;
    earliest(acks, pregnancy, a.signedAt);
    earliest(notified, pregnancy, a.signedAt);
    const seen = decisions.get(pregnancy);
    if (a.decision && (!seen || Date.parse(a.signedAt) >= Date.parse(seen.at)))
      decisions.set(pregnancy, { at: a.signedAt, decision: a.decision });
  }
  for (const c of input.communications ?? []) {
    const pregnancy = index.of(c);
    if (pregnancy) earliest(notified, pregnancy, c.at);
  }
  const clicked = clickedNoticeSuggestions(input, index);
  return [...first].map(([id, f]) => ({
    id,
    first: f.call,
    rules: Object.fromEntries(f.rules),
    edd: index.get(id)?.edd ?? null,
    noticeAt: notified.get(id) ?? null,
    issuedAt: clicked.get(id) ?? null,
    acknowledgedAt: acks.get(id) ?? null,
    decision: decisions.get(id)?.decision ?? null,
  }));
}

/**
 * The case of a pregnancy in the period: first indicated on a calendar day of [from, to] (else
 * `undefined`), with the referral rules seen up to `to`, its deadline and its status for `today`.
 */
export function caseOf(f: PregnancyFacts, opts: Omit<ComplianceOptions, 'groupBy'>): ComplianceCase | undefined {
  const day = instantDay(f.first.receivedAt, opts.timeZone);
  if (day < opts.from || day > opts.to) return undefined;
  const rules = Object.keys(f.rules).filter((rule) => instantDay(f.rules[rule]!, opts.timeZone) <= opts.to);
  const dueBy = addDays(day, opts.deadlineDays);
  const ehr = ehrOf(f.first);
  return {
    pregnancy: shownPregnancy(f.id),
    patient: f.first.patientId ?? shownPregnancy(f.id),
    ...(ehr !== undefined ? { ehr } : {}),
    mrn: f.first.patientMrn ?? null,
    edd: f.edd,
    institution: f.first.institutionId ?? null,
    practitioner: f.first.practitionerId ?? null,
    rules: rules.sort(),
    firstIndicatedAt: iso(f.first.receivedAt),
    dueBy,
    noticeAt: f.noticeAt && iso(f.noticeAt),
    noticeIssuedAt: f.issuedAt && iso(f.issuedAt),
    acknowledgedAt: f.acknowledgedAt && iso(f.acknowledgedAt),
    decision: f.decision,
    status: statusOf({ dueBy, noticeAt: f.noticeAt, issuedAt: f.issuedAt, decision: f.decision }, opts),
  };
}

/**
 * The pregnancies of the report's rows (docs/design.md#pregnancy-identity): resolved from the
 * input's sightings and the findings and cards themselves, with its pregnancy-end records.
 */
export function pregnancyIndex(
  input: Pick<ComplianceInput, 'findings' | 'cards' | 'sightings' | 'ends'>,
  opts: Pick<ComplianceOptions, 'timeZone' | 'pregnancyToleranceDays'>,
): PregnancyIndex {
  return resolvePregnancies([...(input.sightings ?? []), ...input.findings, ...input.cards], {
    toleranceDays: opts.pregnancyToleranceDays ?? DEFAULT_POLICY.PREGNANCY_EDD_TOLERANCE_DAYS,
    timeZone: opts.timeZone,
    ...(input.ends ? { ends: input.ends } : {}),
  });
}

interface First {
  readonly call: FindingFact;
  /** Per referral rule, the instant of its earliest finding. */
  readonly rules: Map<string, string>;
}

/** Per pregnancy: the earliest referral finding and the earliest instant of every referral rule seen. */
function firstFindings(
  findings: readonly FindingFact[],
  opts: Pick<ComplianceOptions, 'referralRules'>,
  index: PregnancyIndex,
): Map<string, First> {
  const referral = new Set(opts.referralRules);
  const out = new Map<string, First>();
  for (const f of findings) {
    const pregnancy = index.of(f);
    if (!pregnancy || !referral.has(f.rule)) continue;
    const seen = out.get(pregnancy);
    if (!seen) out.set(pregnancy, { call: f, rules: new Map([[f.rule, f.receivedAt]]) });
    else {
      earliest(seen.rules, f.rule, f.receivedAt);
      if (Date.parse(f.receivedAt) < Date.parse(seen.call.receivedAt)) out.set(pregnancy, { call: f, rules: seen.rules });
    }
  }
  return out;
}

/** Per pregnancy: the earliest click on a notice suggestion (`create:Communication`) of one of its cards. */
function clickedNoticeSuggestions(input: ComplianceInput, index: PregnancyIndex): Map<string, string> {
  const out = new Map<string, string>();
  const noticeSuggestions = new Map<string, { pregnancy: string; uuids: Set<string> }>();
  for (const c of input.cards) {
    const pregnancy = index.of(c);
    const uuids = c.suggestions.filter((s) => s.kind.split('+').includes('create:Communication')).map((s) => s.uuid);
    if (pregnancy && uuids.length) noticeSuggestions.set(c.uuid, { pregnancy, uuids: new Set(uuids) });
  }
  for (const fb of input.feedback) {
    const card = noticeSuggestions.get(fb.cardUuid);
    if (fb.outcome !== 'accepted' || !card || !fb.acceptedSuggestions.some((s) => card.uuids.has(s))) continue;
    earliest(out, card.pregnancy, fb.outcomeTimestamp);
  }
  return out;
}

function earliest(map: Map<string, string>, key: string, instant: string): void {
  const seen = map.get(key);
  if (seen === undefined || Date.parse(instant) < Date.parse(seen)) map.set(key, instant);
}

interface CaseFacts {
  readonly dueBy: string;
  readonly noticeAt: string | null;
  readonly issuedAt: string | null;
  readonly decision: string | null;
}

/** docs/design.md#case-status: notified (by decision, then by deadline), else clicked, else by the deadline. */
function statusOf(c: CaseFacts, opts: Omit<ComplianceOptions, 'groupBy'>): CaseStatus {
  const noticeDay = c.noticeAt === null ? null : instantDay(c.noticeAt, opts.timeZone);
  return caseStatus({ dueBy: c.dueBy, noticeDay, issued: c.issuedAt !== null, decision: c.decision }, opts.today);
}

/**
 * Canonical ISO instants (as the store gives them) pass as they are; any other form is read as
 * `instantDay` reads it (`canonicalInstantMs`, else `Date`) and rewritten, so a case's instant and
 * the day it was classified by are the same reading.
 */
function iso(instant: string): string {
  return canonicalInstantMs(instant) !== undefined ? instant : new Date(instant).toISOString();
}
