import type { ClinicalNow } from '../clock.js';
import { fromDayNumber, toDayNumber, type DayNumber } from '../calendar/index.js';
import type { ReadContext } from '../clinical/data-elements/context.js';
import { valueConcepts } from '../clinical/data-elements/concepts.js';
import { hasNoValue, selectObservations } from '../clinical/data-elements/observations.js';
import type { PregnancyFacts } from '../clinical/finding-params.js';
import type { Policy } from '../clinical/policy.js';
import { eddCandidates } from '../clinical/pregnancy/edd-candidates.js';
import { activePregnancyRecords } from '../clinical/pregnancy/pregnancy-evidence.js';
import { pregnancyScopeStart } from '../clinical/pregnancy/scope-start.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';

/** A fired finding as the bulk audit reads it: its rule and the evidence behind it. */
export interface FiredFinding {
  readonly rule: string;
  readonly items: readonly { readonly reference: string; readonly date?: string }[];
}

type Dated = {
  effectiveDateTime?: string;
  effectivePeriod?: { start?: string };
  onsetDateTime?: string;
  recordedDate?: string;
  date?: string;
  authoredOn?: string;
  issued?: string;
};

/** The clinical date of the evidence resource itself (when it was observed / recorded). */
function resourceDay(snapshot: PatientSnapshot, reference: string): string | undefined {
  const r = snapshot.byReference(reference) as Dated | undefined;
  if (!r) return undefined;
  const d = r.effectiveDateTime ?? r.effectivePeriod?.start ?? r.onsetDateTime ?? r.recordedDate ?? r.date ?? r.authoredOn ?? r.issued;
  return typeof d === 'string' ? d.slice(0, 10) : undefined;
}

/**
 * The earliest day (YYYY-MM-DD) of the evidence items, when any is dated. Her Patient resource is
 * left out: a birth date is not evidence of when anything became known.
 */
export function firstEvidenceDay(snapshot: PatientSnapshot, items: readonly { reference: string; date?: string }[]): string | undefined {
  let first: string | undefined;
  for (const it of items) {
    if (it.reference.startsWith('Patient/')) continue;
    const day = resourceDay(snapshot, it.reference) ?? it.date?.slice(0, 10);
    if (day && /^\d{4}-\d{2}-\d{2}$/.test(day) && (!first || day < first)) first = day;
  }
  return first;
}

/**
 * The first day the record shows the current pregnancy (docs/design.md#bulk-indication-day): the
 * earliest day, from the pregnancy's scope start (its LMP, else today − PREGNANCY_STATUS_DAYS) up to
 * today, of the evidence current pregnancy is derived from (docs/rules.md#current-pregnancy) — a
 * dating record (EDD, LMP, GA observation) when the best EDD is this pregnancy's, a pregnancy-status
 * Observation saying pregnant, an active pregnancy Condition or EpisodeOfCare. Each record counts
 * from the last day its date denotes (a partial date from its end: the day it surely existed), as
 * derive-facts dates it. `undefined` when she is not pregnant or nothing of this pregnancy is dated.
 */
export function pregnancyFirstDay(ctx: ReadContext, facts: PregnancyFacts, policy: Policy, now: ClinicalNow): DayNumber | undefined {
  if (!facts.current) return undefined;
  const start = toDayNumber(pregnancyScopeStart(facts, policy, now))!;
  const days: DayNumber[] = [];
  // Dating records belong to this pregnancy only when its best EDD is in the window (facts.edd).
  if (facts.edd) for (const c of eddCandidates(ctx)) if (c.recorded) days.push(c.recorded.last);
  for (const ev of selectObservations(ctx, 'pregnancy-status', false).usable) {
    if (!ev.date || hasNoValue(ev.resource)) continue;
    if (valueConcepts(ev.resource).some((c) => ctx.matcher.inValueSet('pregnant', c))) days.push(ev.date.last);
  }
  for (const s of activePregnancyRecords(ctx)) if (s.day !== undefined) days.push(s.day);
  const inPregnancy = days.filter((d) => d >= start && d <= ctx.today);
  return inPregnancy.length === 0 ? undefined : Math.min(...inPregnancy);
}

/**
 * The indication day of an indicated pregnancy in the bulk audit (docs/design.md#bulk-indication-day):
 * the first day any fired rule's finding could have been made in this pregnancy — for each rule the
 * later of its first dated evidence and the first day the record shows the pregnancy (a rule without
 * dated evidence, such as advanced maternal age, from that first pregnancy day), the earliest over
 * the rules, never after today. So a family history recorded years earlier indicates the pregnancy
 * on its first visit, as a hook call at that visit would have. When nothing of the pregnancy is
 * dated: a rule's evidence dated on/after the pregnancy's scope start, else today. The bulk case
 * status and the bulk follow-up funnel both take this day.
 */
export function indicationDay(
  snapshot: PatientSnapshot,
  ctx: ReadContext,
  findings: readonly FiredFinding[],
  facts: PregnancyFacts,
  policy: Policy,
  now: ClinicalNow,
): string {
  const pregnancyFirst = pregnancyFirstDay(ctx, facts, policy, now);
  const start = toDayNumber(pregnancyScopeStart(facts, policy, now))!;
  const byRule = new Map<string, { reference: string; date?: string }[]>();
  for (const f of findings) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), ...f.items]);
  let day: DayNumber = ctx.today;
  for (const items of byRule.values()) {
    const evidence = firstEvidenceDay(snapshot, items);
    const evidenceDay = evidence === undefined ? undefined : toDayNumber(evidence);
    const ruleDay =
      pregnancyFirst !== undefined
        ? Math.max(evidenceDay ?? pregnancyFirst, pregnancyFirst)
        : evidenceDay !== undefined && evidenceDay >= start
          ? evidenceDay
          : ctx.today;
    day = Math.min(day, ruleDay);
  }
  return fromDayNumber(day);
}
