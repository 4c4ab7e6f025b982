import { addDays } from '../calendar/index.js';
import type { FollowUpInput } from '../qc/follow-up-types.js';
import type { AuditStore } from './audit-store.js';
import { LOOKBACK_DAYS, periodCalls, readCompliancePeriod, readsByWoman, type ReportWomen } from './compliance-period.js';

/**
 * The audit rows of the follow-up funnel (`GET /qc/follow-up` and the CLI alike,
 * docs/design.md#follow-up): notification compliance's rows (./compliance-period.ts) and the
 * follow-up events observed by the calls received from `from − LOOKBACK_DAYS` up to today (what
 * followed an indication is seen after it), with the same institution filter and a day of slack
 * each side for any zone. A short period reads the rows of its women only, as compliance does: those
 * with findings in it and those with an NIPT result dated in it (the funnel's NIPT cases), each
 * woman's funnel being computed from her own rows (docs/design.md#qc-scale).
 */
export async function readFollowUpPeriod(
  audit: AuditStore,
  q: { from: string; to: string; institution?: string | undefined },
  today: string,
  women?: ReportWomen,
): Promise<FollowUpInput> {
  const whose = women ?? (readsByWoman(q) ? await audit.listReportPatients(periodCalls(q), { from: q.from, to: q.to }) : 'all');
  const start = `${addDays(q.from, -LOOKBACK_DAYS - 1)}T00:00:00Z`;
  const end = `${addDays(today > q.to ? today : q.to, 2)}T00:00:00Z`;
  const period = q.institution === undefined ? { from: start, to: end } : { from: start, to: end, institutionId: q.institution };
  const [compliance, events] = await Promise.all([
    readCompliancePeriod(audit, q, today, whose),
    audit.listDistinctFollowUpEvents(whose === 'all' ? period : { ...period, patientIds: whose }),
  ]);
  // The sightings of the women whose events the scope saw but who have no findings in it (an NIPT
  // result alone): their pregnancies are resolved from every call of their EHR too, as those of the
  // women with findings (docs/design.md#pregnancy-identity).
  const sighted = new Set(compliance.findings.flatMap((f) => (f.patientId ? [f.patientId] : [])));
  const more = [...new Set(events.flatMap((e) => (e.patientId && !sighted.has(e.patientId) ? [e.patientId] : [])))];
  if (more.length === 0) return { compliance, events };
  const sightings = await audit.listPregnancySightings({ patientIds: more, from: start, to: end });
  return { compliance: { ...compliance, sightings: [...(compliance.sightings ?? []), ...sightings] }, events };
}
