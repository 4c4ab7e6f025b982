import { addDays, daysBetween, instantDay } from '../calendar/index.js';
import { FOLLOW_UP_KINDS, type FollowUpKind } from '../clinical/data-elements/follow-up-events.js';
import { UNKNOWN_KEY } from './compliance-groups.js';
import { casesOf, pregnancyFacts, pregnancyIndex, type PregnancyFacts } from './compliance.js';
import type { ComplianceCase, ComplianceInput } from './compliance-types.js';
import {
  FUNNEL_STAGES,
  type FollowUpCounts,
  type FollowUpFact,
  type FollowUpInput,
  type FollowUpOptions,
  type FollowUpReport,
  type FunnelStage,
  type NiptCase,
  type UndiagnosedCase,
} from './follow-up-types.js';
import { ehrOf, shownPregnancy, type PregnancyIndex } from './pregnancy-identity.js';
import { compareCodeUnits, compareIds, compareText } from '../text/natural-order.js';

/** GA 24+0 is this many days before the EDD (LMP = EDD − 280; 24+0 = LMP + 168). */
const GA_24_BEFORE_EDD = 280 - 168;
/** Art. 29: the outcome follow-up of an NIPT is due this many days after the EDD (the puerperium). */
const OUTCOME_AFTER_EDD = 42;

/** What the events say about one pregnancy: per kind, the earliest event (deduplicated by reference). */
type Observed = Map<FollowUpKind, FollowUpFact>;

/**
 * The follow-up funnel (docs/design.md#follow-up), a pure function of the audit rows of notification
 * compliance and the follow-up events observed. The indicated pregnancies, and whether each was
 * notified and signed, are `computeCompliance`'s, over the same pregnancy index (the events' calls
 * are sightings; an observed outcome ends its pregnancy). An event belongs to the woman's pregnancy
 * under way on its day (`index.on`), else to its call's; a record seen by several calls counts once.
 * Undiagnosed: indicated (or high-risk NIPT) with no procedure or result, due by the earlier of the
 * indication day + `diagnosisDays` and GA 24+0, most overdue first. NIPT (Art. 29): high risk
 * without diagnosis; no outcome recorded once EDD + 42 days passed.
 */
export function computeFollowUp(input: FollowUpInput, opts: FollowUpOptions): FollowUpReport {
  return followUpFromFacts(followUpFacts(input, opts), opts);
}

/**
 * What the funnel needs of one pregnancy, whatever the period (docs/design.md#qc-summary): its
 * notification-compliance facts over the funnel's own pregnancy index, the kinds of follow-up event
 * observed in it, and its NIPT test — the earliest high-risk result, else the earliest low-risk one.
 * A period selects and classifies these (`followUpFromFacts`); the per-pregnancy summary stores them.
 */
export interface FollowUpPregnancyFacts {
  /** The pregnancy's id in the funnel's index (unique across EHRs). */
  readonly id: string;
  /** Its facts as notification compliance's (`pregnancyFacts`), `null` without a referral finding. */
  readonly compliance: PregnancyFacts | null;
  readonly edd: string | null;
  /** The kinds of follow-up event observed in it, in FOLLOW_UP_KINDS order. */
  readonly kinds: readonly FollowUpKind[];
  readonly nipt: NiptTest | null;
}

/** A pregnancy's NIPT test as the funnel shows it: its result, date and screening institution, and whose it is. */
export interface NiptTest {
  readonly kind: 'nipt-high-risk' | 'nipt-low-risk';
  /** The result's date as the record gives it, and the first clinic day it can denote. */
  readonly on: string;
  readonly day: string;
  /** The woman's patient id (the pregnancy's, else the event's call's) and her EHR. */
  readonly patient: string;
  readonly ehr?: string;
  /** The screening institution (the result's performer), else the institution of the call that saw it. */
  readonly institution: string | null;
}

/**
 * The funnel's facts of every pregnancy that a period can report: one with a referral finding (a
 * case when first indicated in the period) or an NIPT result (an NIPT case when dated in it). Nothing
 * here depends on a period, on `today` or on the diagnosis deadline.
 */
export function followUpFacts(
  input: FollowUpInput,
  opts: Pick<FollowUpOptions, 'timeZone' | 'pregnancyToleranceDays' | 'referralRules'>,
): FollowUpPregnancyFacts[] {
  // The calls that saw the events are sightings too, and an observed outcome closes its pregnancy.
  const outcomes = input.events.flatMap((e) =>
    e.kind === 'outcome' && e.patientId !== undefined ? [{ patientId: e.patientId, issuer: e.issuer, tenant: e.tenant, on: e.day }] : [],
  );
  const rows: ComplianceInput = {
    ...input.compliance,
    sightings: [...(input.compliance.sightings ?? []), ...input.events],
    ends: [...(input.compliance.ends ?? []), ...outcomes],
  };
  const index = pregnancyIndex(rows, opts);
  const observed = observeByPregnancy(input.events, index);
  const compliance = new Map(pregnancyFacts(rows, opts, index).map((f) => [f.id, f]));
  const out: FollowUpPregnancyFacts[] = [];
  for (const id of new Set([...compliance.keys(), ...observed.keys()])) {
    const seen = observed.get(id);
    const test = seen?.get('nipt-high-risk') ?? seen?.get('nipt-low-risk');
    const facts = compliance.get(id) ?? null;
    if (facts === null && test === undefined) continue;
    const p = index.get(id);
    const ehr = p?.ehr ?? (test === undefined ? undefined : ehrOf(test));
    out.push({
      id,
      compliance: facts,
      edd: p?.edd ?? null,
      kinds: FOLLOW_UP_KINDS.filter((k) => seen?.has(k)),
      nipt:
        test === undefined
          ? null
          : {
              kind: test.kind as NiptTest['kind'],
              on: test.on,
              day: test.day,
              patient: p?.patientId ?? test.patientId ?? shownPregnancy(id),
              ...(ehr !== undefined ? { ehr } : {}),
              institution: test.institution ?? test.institutionId ?? null,
            },
    });
  }
  return out;
}

/**
 * The funnel of a period from its pregnancies' facts (`followUpFacts`, or the stored ones of the
 * per-pregnancy summary): the cases notification compliance selects (`casesOf`), counted per stage
 * and grouped; the undiagnosed among them and the high-risk NIPT tests dated in the period; the NIPT
 * follow-up of the tests dated in it.
 */
export function followUpFromFacts(facts: readonly FollowUpPregnancyFacts[], opts: FollowUpOptions): FollowUpReport {
  const byId = new Map(facts.map((f) => [f.id, f]));
  const cases = casesOf(
    facts.flatMap((f) => (f.compliance === null ? [] : [f.compliance])),
    opts,
  ).map(({ id, case: c }) => ({ c, f: byId.get(id)! }));
  const groups = new Map<string, FollowUpCounts[]>();
  const perCase = cases.map(({ c, f }) => {
    const counts = countsOf(c, f.kinds);
    const key = opts.groupBy === 'institution' ? (c.institution ?? UNKNOWN_KEY) : instantDay(c.firstIndicatedAt, opts.timeZone).slice(0, 7);
    const group = groups.get(key);
    if (group) group.push(counts);
    else groups.set(key, [counts]);
    return counts;
  });
  // The cases below are object literals, not spreads of a shared "who" part: V8 copies a spread
  // source property by property on a slow path: 4–8 µs a case, at the largest institution's year
  // (about 19,000 undiagnosed and NIPT cases at 5 million calls) a tenth of a second.
  const undiagnosed: UndiagnosedCase[] = [];
  const indicated = new Set<string>();
  cases.forEach(({ c, f }, i) => {
    indicated.add(f.id);
    if (diagnosed(f.kinds)) return;
    const due = dueBy(instantDay(c.firstIndicatedAt, opts.timeZone), f.edd, opts.diagnosisDays);
    undiagnosed.push({
      pregnancy: c.pregnancy,
      patient: c.patient,
      ...(c.ehr !== undefined ? { ehr: c.ehr } : {}),
      institution: c.institution,
      reason: 'indicated',
      rules: c.rules,
      indicatedAt: c.firstIndicatedAt,
      edd: f.edd,
      diagnosisDueBy: due,
      overdueDays: daysBetween(due, opts.today),
      stage: furthest(perCase[i]!),
    });
  });
  const nipt: NiptCase[] = [];
  for (const f of facts) {
    const test = f.nipt;
    if (!test || test.day < opts.from || test.day > opts.to) continue;
    if (test.kind === 'nipt-high-risk' && !diagnosed(f.kinds)) {
      const due = dueBy(test.day, f.edd, opts.diagnosisDays);
      nipt.push(niptCase(f, test, 'high-risk-undiagnosed', due));
      if (!indicated.has(f.id)) {
        const stage = f.kinds.includes('outcome') ? 'outcome' : f.kinds.includes('referral') ? 'referred' : null;
        // The NIPT's date is the case's indicatedAt.
        undiagnosed.push({
          pregnancy: shownPregnancy(f.id),
          patient: test.patient,
          ...(test.ehr !== undefined ? { ehr: test.ehr } : {}),
          institution: test.institution,
          edd: f.edd,
          reason: 'nipt-high-risk',
          rules: [],
          indicatedAt: test.on,
          diagnosisDueBy: due,
          overdueDays: daysBetween(due, opts.today),
          stage,
        });
      }
    }
    const outcomeDue = f.edd === null ? null : addDays(f.edd, OUTCOME_AFTER_EDD);
    if (outcomeDue !== null && opts.today > outcomeDue && !f.kinds.includes('outcome'))
      nipt.push(niptCase(f, test, 'no-outcome', outcomeDue));
  }
  // Total orders, whatever order the facts came in: one shown pregnancy id can recur across EHRs.
  undiagnosed.sort(
    (a, b) =>
      b.overdueDays - a.overdueDays ||
      compareCodeUnits(a.diagnosisDueBy, b.diagnosisDueBy) ||
      compareText(a.pregnancy, b.pregnancy) ||
      compareText(a.ehr ?? '', b.ehr ?? ''),
  );
  nipt.sort(
    (a, b) =>
      compareCodeUnits(a.kind, b.kind) ||
      compareCodeUnits(a.dueBy ?? '', b.dueBy ?? '') ||
      compareText(a.pregnancy, b.pregnancy) ||
      compareText(a.ehr ?? '', b.ehr ?? ''),
  );
  return {
    from: opts.from,
    to: opts.to,
    groupBy: opts.groupBy,
    today: opts.today,
    // Natural order, as the compliance and data-quality rows: org-2 before org-10 (docs/design.md#cli-output).
    rows: [...groups.keys()].sort(compareIds).map((key) => ({ key, ...sum(groups.get(key)!) })),
    total: sum(perCase),
    undiagnosed,
    nipt,
  };
}

/** Per pregnancy, the earliest event of each kind; a record seen by several calls is one event. */
function observeByPregnancy(events: readonly FollowUpFact[], index: PregnancyIndex): Map<string, Observed> {
  const out = new Map<string, Observed>();
  const seen = new Set<string>();
  for (const e of events) {
    const patient = e.patientId !== undefined ? { patientId: e.patientId, issuer: e.issuer, tenant: e.tenant } : undefined;
    const pregnancy = (patient !== undefined ? index.on(patient, e.day)?.id : undefined) ?? index.of(e);
    if (pregnancy === undefined || seen.has(`${pregnancy}\n${e.kind}\n${e.reference}`)) continue;
    seen.add(`${pregnancy}\n${e.kind}\n${e.reference}`);
    let kinds = out.get(pregnancy);
    if (!kinds) out.set(pregnancy, (kinds = new Map()));
    const first = kinds.get(e.kind);
    if (!first || e.day < first.day) kinds.set(e.kind, e);
  }
  return out;
}

function diagnosed(kinds: readonly FollowUpKind[]): boolean {
  return kinds.includes('procedure') || kinds.includes('result');
}

/** One case's stage flags as counts (0/1); notified and signed exactly as notification compliance sets them. */
function countsOf(c: ComplianceCase, kinds: readonly FollowUpKind[]): FollowUpCounts {
  const n = (b: boolean) => (b ? 1 : 0);
  const signed = c.acknowledgedAt !== null;
  return {
    indicated: 1,
    notified: n(c.noticeAt !== null),
    signed: n(signed),
    accepted: n(signed && c.decision === 'accepted-referral'),
    declined: n(c.status === 'declined'),
    postponed: n(c.status === 'postponed'),
    referred: n(kinds.includes('referral')),
    procedure: n(kinds.includes('procedure')),
    result: n(kinds.includes('result')),
    outcome: n(kinds.includes('outcome')),
  };
}

function sum(list: readonly FollowUpCounts[]): FollowUpCounts {
  const total: Record<keyof FollowUpCounts, number> = {
    indicated: 0,
    notified: 0,
    signed: 0,
    accepted: 0,
    declined: 0,
    postponed: 0,
    referred: 0,
    procedure: 0,
    result: 0,
    outcome: 0,
  };
  const stages = Object.keys(total) as (keyof FollowUpCounts)[];
  for (const counts of list) for (const k of stages) total[k] += counts[k];
  return total;
}

function furthest(c: FollowUpCounts): FunnelStage {
  for (let i = FUNNEL_STAGES.length - 1; i > 0; i -= 1) if (c[FUNNEL_STAGES[i]!] > 0) return FUNNEL_STAGES[i]!;
  return 'indicated';
}

function niptCase(f: FollowUpPregnancyFacts, test: NiptTest, kind: NiptCase['kind'], dueBy: string): NiptCase {
  return {
    pregnancy: shownPregnancy(f.id),
    patient: test.patient,
    ...(test.ehr !== undefined ? { ehr: test.ehr } : {}),
    institution: test.institution,
    niptOn: test.on,
    edd: f.edd,
    kind,
    dueBy,
  };
}

/** The earlier of `day` + `days` and GA 24+0 (EDD − 112 days) when the EDD is known. */
function dueBy(day: string, edd: string | null, days: number): string {
  const byDays = addDays(day, days);
  const byGa = edd === null ? undefined : addDays(edd, -GA_24_BEFORE_EDD);
  return byGa !== undefined && byGa < byDays ? byGa : byDays;
}
