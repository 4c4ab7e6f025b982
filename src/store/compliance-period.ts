import { addDays } from '../calendar/index.js';
import type { ComplianceInput } from '../qc/compliance-types.js';
import type { AuditStore } from './audit-store.js';
import { compact } from './row-values.js';

/** How far before `from` findings are read (a pregnancy lasts ≤ ~300 days); as in the QC API. */
export const LOOKBACK_DAYS = 300;

/**
 * The audit rows the compliance report needs, for `GET /qc/notification-compliance` and the CLI
 * alike: findings and cards from `from − LOOKBACK_DAYS` to `to`, notice events (clicks,
 * acknowledgements, notice Communications observed by later calls) up to `today` so a notice after
 * the period still counts; a day of slack each side for any zone. Then the pregnancy sightings of
 * the women with findings (docs/design.md#pregnancy-identity) over the same span, at every
 * institution: one more bounded query (by patient, ./pregnancy-sightings.ts), so an institution's
 * report groups a woman's calls exactly as the province's does.
 */
export async function readCompliancePeriod(
  audit: AuditStore,
  q: { from: string; to: string; institution?: string | undefined },
  today: string,
): Promise<ComplianceInput> {
  const start = `${addDays(q.from, -LOOKBACK_DAYS - 1)}T00:00:00Z`;
  const end = `${addDays(q.to, 2)}T00:00:00Z`;
  const eventsEnd = `${addDays(today > q.to ? today : q.to, 2)}T00:00:00Z`;
  const period = q.institution === undefined ? { from: start, to: end } : { from: start, to: end, institutionId: q.institution };
  const events = { ...period, to: eventsEnd };
  const [findings, cards, feedback, acknowledgements, observed] = await Promise.all([
    audit.listFindings(period),
    audit.listCards(events),
    audit.listFeedback(events),
    audit.listAcknowledgements(events),
    audit.listObservedNotices(events),
  ]);
  const communications = observed.map((o) =>
    compact({ patientId: o.patientId, issuer: o.issuer, tenant: o.tenant, pregnancyKey: o.pregnancyKey, edd: o.edd, at: o.observedAt }),
  );
  // By patient id: the sightings carry their EHR, and the resolver keeps two EHRs' women apart.
  const patientIds = [...new Set(findings.flatMap((f) => (f.patientId ? [f.patientId] : [])))];
  const sightings = await audit.listPregnancySightings({ patientIds, from: start, to: eventsEnd });
  return { findings, cards, feedback, acknowledgements, communications, sightings };
}
