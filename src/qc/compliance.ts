import { daysBetween, instantDay } from '../calendar/index.js';
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

/**
 * Art. 25 written-notice compliance (docs/design.md#qc, `notification-compliance`), a pure
 * function of audit rows:
 * - a pregnancy is `pregnancyKey` (patient + best EDD), else the patient id;
 * - *indicated*: its first referral-rule finding (REFERRAL_RULE_IDS) falls on a calendar day of
 *   [from, to] in CLINIC_TIMEZONE — confirmed again on later visits, it still counts once; first
 *   indicated before `from` (the caller fetches a lookback), it is not counted in this period;
 * - *notified*: a notice suggestion (`create:Communication`) of one of its cards accepted in
 *   feedback, an acknowledgement of one of its notices, or a notice Communication observed;
 *   `noticeAt` = the earliest such event. An override does not excuse the notice;
 * - *in time*: `noticeAt` at most `deadlineDays` calendar days after the first finding.
 */
export function computeCompliance(input: ComplianceInput, opts: ComplianceOptions): ComplianceReport {
  const first = firstFindings(input.findings, opts);
  const notices = noticeEvents(input);
  const acks = new Map<string, string>();
  for (const a of input.acknowledgements) earliest(acks, a.pregnancyKey ?? a.patientId, a.signedAt);

  const cases: ComplianceCase[] = [];
  for (const [pregnancy, f] of first) {
    const day = instantDay(f.call.receivedAt, opts.timeZone);
    if (day < opts.from || day > opts.to) continue;
    const noticeAt = notices.get(pregnancy) ?? null;
    cases.push({
      pregnancy,
      patient: f.call.patientId ?? pregnancy,
      institution: f.call.institutionId ?? null,
      practitioner: f.call.practitionerId ?? null,
      rules: [...f.rules].sort(),
      firstIndicatedAt: iso(f.call.receivedAt),
      noticeAt: noticeAt && iso(noticeAt),
      acknowledgedAt: acks.has(pregnancy) ? iso(acks.get(pregnancy)!) : null,
      status: statusOf(day, noticeAt, opts),
    });
  }
  cases.sort((a, b) => a.firstIndicatedAt.localeCompare(b.firstIndicatedAt) || a.pregnancy.localeCompare(b.pregnancy));
  return {
    from: opts.from,
    to: opts.to,
    groupBy: opts.groupBy,
    rows: groupCases(cases, opts.groupBy, opts.timeZone),
    total: countCases(cases),
    cases,
  };
}

/** The pregnancy a call is about, or `undefined` when it names no patient. */
export function pregnancyOf(c: Pick<CallFacts, 'pregnancyKey' | 'patientId'>): string | undefined {
  return c.pregnancyKey ?? c.patientId;
}

interface First {
  readonly call: FindingFact;
  readonly rules: Set<string>;
}

/** Per pregnancy: the earliest referral finding (up to `to`) and every referral rule seen up to `to`. */
function firstFindings(findings: readonly FindingFact[], opts: ComplianceOptions): Map<string, First> {
  const referral = new Set(opts.referralRules);
  const out = new Map<string, First>();
  for (const f of findings) {
    const pregnancy = pregnancyOf(f);
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

/** Per pregnancy: the earliest documented written notice (accepted suggestion, acknowledgement, Communication). */
function noticeEvents(input: ComplianceInput): Map<string, string> {
  const out = new Map<string, string>();
  const noticeSuggestions = new Map<string, { pregnancy: string; uuids: Set<string> }>();
  for (const c of input.cards) {
    const pregnancy = pregnancyOf(c);
    const uuids = c.suggestions.filter((s) => s.kind.split('+').includes('create:Communication')).map((s) => s.uuid);
    if (pregnancy && uuids.length) noticeSuggestions.set(c.uuid, { pregnancy, uuids: new Set(uuids) });
  }
  for (const fb of input.feedback) {
    const card = noticeSuggestions.get(fb.cardUuid);
    if (fb.outcome !== 'accepted' || !card || !fb.acceptedSuggestions.some((s) => card.uuids.has(s))) continue;
    earliest(out, card.pregnancy, fb.outcomeTimestamp);
  }
  for (const a of input.acknowledgements) earliest(out, a.pregnancyKey ?? a.patientId, a.signedAt);
  for (const c of input.communications ?? []) earliest(out, c.pregnancy, c.at);
  return out;
}

function earliest(map: Map<string, string>, key: string, instant: string): void {
  const seen = map.get(key);
  if (seen === undefined || Date.parse(instant) < Date.parse(seen)) map.set(key, instant);
}

function statusOf(firstDay: string, noticeAt: string | null, opts: ComplianceOptions): CaseStatus {
  if (noticeAt === null) return 'missing';
  return daysBetween(firstDay, instantDay(noticeAt, opts.timeZone)) <= opts.deadlineDays ? 'notified' : 'late';
}

function iso(instant: string): string {
  return new Date(instant).toISOString();
}
