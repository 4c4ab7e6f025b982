import { addDays, fromDayNumber } from '../calendar/index.js';
import type { ReadContext } from '../clinical/data-elements/context.js';
import type { PregnancyFacts } from '../clinical/finding-params.js';
import type { Policy } from '../clinical/policy.js';
import { pregnancyEnds } from '../clinical/pregnancy/pregnancy-end.js';
import { caseStatus } from '../qc/case-status.js';
import type { CaseStatus } from '../qc/compliance-types.js';
import { resolvePregnancies, type PregnancySighting } from '../qc/pregnancy-identity.js';
import { replayedDays } from './audit-replay.js';

/** The current pregnancy of a bulk-audited woman as QC identifies it (docs/design.md#pregnancy-identity). */
export interface AuditedPregnancy {
  /** The pregnancy id, as the compliance report would name it. */
  readonly pregnancy?: string;
  /** Its latest best EDD. */
  readonly edd?: string;
}

/** A sighting's instant for a clinic day (resolved with time zone UTC, so the day stays the day). */
const atDay = (day: string) => `${day}T00:00:00Z`;

/**
 * The pregnancy identity of the bulk audit, with the same resolver as the compliance report: the
 * record replayed as the hook calls would have seen it (./audit-replay.ts: keyed by the pregnancy
 * episode under way each day, with the best EDD known that day), plus the as-of day's facts, and
 * the record's pregnancy-end records (which the bulk audit, reading the whole record, has and a
 * hook call report does not).
 */
export function auditedPregnancy(ctx: ReadContext, facts: PregnancyFacts, policy: Policy): AuditedPregnancy {
  if (!facts.current) return {};
  const patientId = ctx.snapshot.patientId;
  const sightings: PregnancySighting[] = replayedDays(ctx, policy).map((d) => ({
    patientId,
    ...(d.episode ? { pregnancyKey: d.episode } : {}),
    ...(d.edd ? { edd: d.edd } : {}),
    receivedAt: atDay(d.day),
  }));
  const today = {
    patientId,
    ...(facts.pregnancyKey ? { pregnancyKey: facts.pregnancyKey } : {}),
    ...(facts.edd ? { edd: facts.edd.date } : {}),
  };
  sightings.push({ ...today, receivedAt: atDay(fromDayNumber(ctx.today)) });
  const ends = pregnancyEnds(ctx).map((e) => ({ patientId, on: fromDayNumber(e.first) }));
  const index = resolvePregnancies(sightings, { toleranceDays: policy.PREGNANCY_EDD_TOLERANCE_DAYS, ends, timeZone: 'UTC' });
  const pregnancy = index.of(today);
  const p = pregnancy === undefined ? undefined : index.get(pregnancy);
  const edd = p?.edd ?? facts.edd?.date;
  return {
    ...(pregnancy !== undefined && pregnancy !== patientId ? { pregnancy } : {}),
    ...(edd ? { edd } : {}),
  };
}

/**
 * The case status of an indicated pregnancy in the bulk audit (docs/design.md#case-status, the
 * compliance report's `caseStatus`): indicated on its indication day (./audit-indication-day.ts,
 * docs/design.md#bulk-indication-day), due `deadlineDays` later, notified on the day of the notice
 * Communication; an export has no clicks and no acknowledgements.
 */
export function auditedStatus(
  indicatedOn: string,
  noticeDay: string | undefined,
  deadlineDays: number,
  today: string,
): { readonly dueBy: string; readonly status: CaseStatus } {
  const dueBy = addDays(indicatedOn, deadlineDays);
  return { dueBy, status: caseStatus({ dueBy, noticeDay: noticeDay ?? null, issued: false, decision: null }, today) };
}
