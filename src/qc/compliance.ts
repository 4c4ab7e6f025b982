import { addDays, instantDay } from '../calendar/index.js';
import type { CaseStatus, ComplianceCase, ComplianceInput, ComplianceOptions, ComplianceReport, FindingFact } from './compliance-types.js';
import { groupCases, countCases } from './compliance-groups.js';
import { DEFAULT_POLICY } from '../clinical/policy.js';
import { ehrOf, resolvePregnancies, shownPregnancy, type PregnancyIndex } from './pregnancy-identity.js';
import { caseStatus } from './case-status.js';

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
  const cases = indicatedCases(input, opts, pregnancyIndex(input, opts)).map((c) => c.case);
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
 * The indicated pregnancies of the period as cases, each with its id in `index` (unique across
 * EHRs; the case shows `shownPregnancy` of it), in the report's order.
 */
export function indicatedCases(
  input: ComplianceInput,
  opts: Omit<ComplianceOptions, 'groupBy'>,
  index: PregnancyIndex,
): { id: string; case: ComplianceCase }[] {
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

  const cases: { id: string; case: ComplianceCase }[] = [];
  for (const [pregnancy, f] of first) {
    const day = instantDay(f.call.receivedAt, opts.timeZone);
    if (day < opts.from || day > opts.to) continue;
    const noticeAt = notified.get(pregnancy) ?? null;
    const issuedAt = clicked.get(pregnancy) ?? null;
    const decision = decisions.get(pregnancy)?.decision ?? null;
    const dueBy = addDays(day, opts.deadlineDays);
    const ehr = ehrOf(f.call);
    const c: ComplianceCase = {
      pregnancy: shownPregnancy(pregnancy),
      patient: f.call.patientId ?? shownPregnancy(pregnancy),
      ...(ehr !== undefined ? { ehr } : {}),
      mrn: f.call.patientMrn ?? null,
      edd: index.get(pregnancy)?.edd ?? null,
      institution: f.call.institutionId ?? null,
      practitioner: f.call.practitionerId ?? null,
      rules: [...f.rules].sort(),
      firstIndicatedAt: iso(f.call.receivedAt),
      dueBy,
      noticeAt: noticeAt && iso(noticeAt),
      noticeIssuedAt: issuedAt && iso(issuedAt),
      acknowledgedAt: acks.has(pregnancy) ? iso(acks.get(pregnancy)!) : null,
      decision,
      status: statusOf({ dueBy, noticeAt, issuedAt, decision }, opts),
    };
    cases.push({ id: pregnancy, case: c });
  }
  return cases.sort(
    (a, b) =>
      a.case.firstIndicatedAt.localeCompare(b.case.firstIndicatedAt) ||
      a.case.pregnancy.localeCompare(b.case.pregnancy) ||
      a.id.localeCompare(b.id),
  );
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
  readonly rules: Set<string>;
}

/** Per pregnancy: the earliest referral finding (up to `to`) and every referral rule seen up to `to`. */
function firstFindings(
  findings: readonly FindingFact[],
  opts: Omit<ComplianceOptions, 'groupBy'>,
  index: PregnancyIndex,
): Map<string, First> {
  const referral = new Set(opts.referralRules);
  const out = new Map<string, First>();
  for (const f of findings) {
    const pregnancy = index.of(f);
    if (!pregnancy || !referral.has(f.rule) || instantDay(f.receivedAt, opts.timeZone) > opts.to) continue;
    const seen = out.get(pregnancy);
    if (!seen) out.set(pregnancy, { call: f, rules: new Set([f.rule]) });
    else {
      seen.rules.add(f.rule);
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

function iso(instant: string): string {
  return new Date(instant).toISOString();
}
