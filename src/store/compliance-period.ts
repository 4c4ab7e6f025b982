import { addDays } from '../calendar/index.js';
import type { ComplianceInput } from '../qc/compliance-types.js';
import type { AuditStore } from './audit-store.js';

/** How far before `from` findings are read (a pregnancy lasts ≤ ~300 days); as in the QC API. */
export const LOOKBACK_DAYS = 300;

/**
 * The audit rows the compliance report needs, for `GET /qc/notification-compliance` and the CLI
 * alike: findings and cards from `from − LOOKBACK_DAYS` to `to`, notice events (clicks,
 * acknowledgements, notice Communications observed by later calls) up to `today` so a notice after
 * the period still counts; a day of slack each side for any zone.
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
  const communications = observed.map((o) => ({ pregnancy: o.pregnancyKey ?? o.patientId, at: o.observedAt }));
  return { findings, cards, feedback, acknowledgements, communications };
}
