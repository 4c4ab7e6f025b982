import { addDays, daysBetween } from '../calendar/index.js';
import type { ComplianceInput } from '../qc/compliance-types.js';
import type { AuditStore } from './audit-store.js';
import { observedCommunication } from './observed-notices.js';

/** How far before `from` findings are read (a pregnancy lasts ≤ ~300 days); as in the QC API. */
export const LOOKBACK_DAYS = 300;

/**
 * A period of at most this many days is read for its women only (docs/design.md#qc-scale): the
 * findings, cards (and follow-up events) of the patients with a finding in the period, over the
 * whole lookback, instead of every patient's. A longer period concerns most women of the lookback
 * anyway and is read whole.
 */
export const BY_WOMAN_MAX_DAYS = 92;

/** Whose rows a report reads: these patient ids only, or `all`. */
export type ReportWomen = readonly string[] | 'all';

type PeriodArgs = { from: string; to: string; institution?: string | undefined };

/** Whether a report of this period reads its women's rows only (`BY_WOMAN_MAX_DAYS`). */
export function readsByWoman(q: PeriodArgs): boolean {
  return daysBetween(q.from, q.to) < BY_WOMAN_MAX_DAYS;
}

/** The calls received on the period's calendar days, with a day of slack each side for any zone. */
export function periodCalls(q: PeriodArgs): { from: string; to: string; institutionId?: string } {
  const calls = { from: `${addDays(q.from, -1)}T00:00:00Z`, to: `${addDays(q.to, 2)}T00:00:00Z` };
  return q.institution === undefined ? calls : { ...calls, institutionId: q.institution };
}

/**
 * The audit rows the compliance report needs, for `GET /qc/notification-compliance` and the CLI
 * alike: findings from `from − LOOKBACK_DAYS` to `to` (a reusing call's only when they differ from
 * its source's), notice events (the clicked cards and the clicks on them, acknowledgements, notice
 * Communications observed by later calls) up to `today` so a notice after the period still counts;
 * a day of slack each side for any zone. What is left out changes no case (./audit-queries.ts).
 * Then the pregnancy sightings of the women with findings (docs/design.md#pregnancy-identity) over
 * the same span, at every institution: one more bounded query (by patient, ./pregnancy-sightings.ts),
 * so an institution's report groups a woman's calls exactly as the province's does.
 *
 * A short period (`readsByWoman`) first asks which women had findings in it, and reads the findings
 * and cards of those women only: a case is a pregnancy first indicated in the period, so its woman
 * is one of them, and each woman's cases are computed from her own rows alone — the report is the
 * same (docs/design.md#qc-scale). `women` overrides the choice (`all`: every row, as for a year).
 */
export async function readCompliancePeriod(audit: AuditStore, q: PeriodArgs, today: string, women?: ReportWomen): Promise<ComplianceInput> {
  const whose = women ?? (readsByWoman(q) ? await audit.listReportPatients(periodCalls(q)) : 'all');
  const start = `${addDays(q.from, -LOOKBACK_DAYS - 1)}T00:00:00Z`;
  const end = `${addDays(q.to, 2)}T00:00:00Z`;
  const eventsEnd = `${addDays(today > q.to ? today : q.to, 2)}T00:00:00Z`;
  const period = q.institution === undefined ? { from: start, to: end } : { from: start, to: end, institutionId: q.institution };
  const events = { ...period, to: eventsEnd };
  const theirs = whose === 'all' ? {} : { patientIds: whose };
  const [findings, cards, feedback, acknowledgements, observed] = await Promise.all([
    audit.listDistinctFindings({ ...period, ...theirs }),
    audit.listCards({ ...events, ...theirs }, { clicked: true }),
    audit.listCardFeedback({ ...events, ...theirs }),
    audit.listAcknowledgements(events),
    audit.listObservedNotices(events),
  ]);
  const communications = observed.map(observedCommunication);
  // By patient id: the sightings carry their EHR, and the resolver keeps two EHRs' women apart.
  const patientIds = [...new Set(findings.flatMap((f) => (f.patientId ? [f.patientId] : [])))];
  const sightings = await audit.listPregnancySightings({ patientIds, from: start, to: eventsEnd });
  return { findings, cards, feedback, acknowledgements, communications, sightings };
}
