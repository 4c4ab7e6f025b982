import { fromDayNumber, instantDay } from '../calendar/index.js';
import type { ReadContext } from '../clinical/data-elements/context.js';
import { followUpEvents } from '../clinical/data-elements/follow-up-events.js';
import type { PregnancyFacts } from '../clinical/finding-params.js';
import type { Policy } from '../clinical/policy.js';
import { pregnancyEnds } from '../clinical/pregnancy/pregnancy-end.js';
import type { CommunicationFact, FindingFact } from '../qc/compliance-types.js';
import type { FollowUpFact } from '../qc/follow-up-types.js';
import type { PregnancyEnd, PregnancySighting } from '../qc/pregnancy-identity.js';
import { replayedDays } from './audit-replay.js';

/**
 * One woman's share of the follow-up funnel of the bulk audit (docs/design.md#bulk-follow-up), in the
 * shapes `GET /qc/follow-up` reads from the audit store, so the same `computeFollowUp` runs over
 * both: her fired referral rules as findings on the indication day, the notice Communication as an
 * observed notice, the record replayed as sightings with its pregnancy ends, and the follow-up
 * events of her whole record. Small: a few rows per woman, kept only when she has findings or events.
 */
export interface PatientFollowUp {
  readonly findings: readonly FindingFact[];
  readonly communications: readonly CommunicationFact[];
  readonly sightings: readonly PregnancySighting[];
  readonly ends: readonly PregnancyEnd[];
  readonly events: readonly FollowUpFact[];
}

export interface PatientFollowUpInput {
  readonly ctx: ReadContext;
  readonly policy: Policy;
  readonly facts: PregnancyFacts;
  /** Referral rule ids that fired as of the as-of day (the bulk compliance's). */
  readonly rules: readonly string[];
  /** The bulk compliance's indication day (its status's; ./audit-indication-day.ts). */
  readonly indicatedOn: string;
  /** The pregnancy as the compliance report names it, and its latest EDD (./audit-pregnancy.ts). */
  readonly pregnancy?: string;
  readonly edd?: string;
  /** The day of the notice Communication the bulk compliance recognised. */
  readonly noticeDay?: string;
  /** Her record number (MRN_SYSTEM), carried on her rows as a hook call carries it. */
  readonly mrn?: string;
}

/**
 * The follow-up facts of one woman, or `undefined` when she has neither a finding nor an event. The
 * institution of her rows is her `Patient.managingOrganization` (an export carries no hook-call
 * institution); an NIPT names its screening institution itself.
 */
export function patientFollowUp(i: PatientFollowUpInput): PatientFollowUp | undefined {
  const { ctx } = i;
  const patientId = ctx.snapshot.patientId;
  const observed = followUpEvents(ctx);
  if (i.rules.length === 0 && observed.length === 0) return undefined;
  const zone = ctx.timeZone;
  const today = fromDayNumber(ctx.today);
  const org = ctx.snapshot.patient?.managingOrganization?.reference;
  const institution = org?.startsWith('Organization/') ? { institutionId: org.slice('Organization/'.length) } : {};
  const call = { patientId, ...institution, ...(i.mrn ? { patientMrn: i.mrn } : {}) };
  // The case's key and latest EDD, so the findings and the notice name the pregnancy as the bulk compliance does.
  const key = i.pregnancy ?? i.facts.pregnancyKey;
  const edd = i.edd ?? i.facts.edd?.date;
  const pregnancy = { ...(key ? { pregnancyKey: key } : {}), ...(edd ? { edd } : {}) };
  const indicatedAt = clinicDayInstant(i.indicatedOn, zone);
  const findings: FindingFact[] = i.rules.map((rule) => ({
    hookCallId: `bulk:${patientId}`,
    receivedAt: indicatedAt,
    ...call,
    ...pregnancy,
    rule,
  }));
  const communications: CommunicationFact[] =
    i.rules.length > 0 && i.noticeDay !== undefined ? [{ patientId, ...pregnancy, at: clinicDayInstant(i.noticeDay, zone) }] : [];
  const sightings: PregnancySighting[] = replayedDays(ctx, i.policy).map((d) => ({
    patientId,
    ...(d.episode ? { pregnancyKey: d.episode } : {}),
    ...(d.edd ? { edd: d.edd } : {}),
    receivedAt: clinicDayInstant(d.day, zone),
  }));
  if (i.facts.current) {
    const current = {
      ...(i.facts.pregnancyKey ? { pregnancyKey: i.facts.pregnancyKey } : {}),
      ...(i.facts.edd ? { edd: i.facts.edd.date } : {}),
    };
    sightings.push({ patientId, ...current, receivedAt: clinicDayInstant(today, zone) });
  }
  const ends = pregnancyEnds(ctx).map((e) => ({ patientId, on: fromDayNumber(e.first) }));
  const seenAt = clinicDayInstant(today, zone);
  const events: FollowUpFact[] = observed.map((e) => ({ ...e, receivedAt: seenAt, ...call }));
  return { findings, communications, sightings, ends, events };
}

/** An instant on the clinic day `day` in `timeZone` (noon UTC, moved half a day for the zones beyond ±12 h). */
export function clinicDayInstant(day: string, timeZone: string): string {
  const noon = Date.parse(`${day}T12:00:00Z`);
  for (const hours of [0, -12, 12]) {
    const at = new Date(noon + hours * 3_600_000).toISOString();
    if (instantDay(at, timeZone) === day) return at;
  }
  return new Date(noon).toISOString();
}
