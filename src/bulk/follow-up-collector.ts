import { instantDay } from '../calendar/index.js';
import { computeFollowUp } from '../qc/follow-up.js';
import type { CommunicationFact, FindingFact } from '../qc/compliance-types.js';
import type { FollowUpFact, FollowUpGroupBy, FollowUpOptions, FollowUpReport } from '../qc/follow-up-types.js';
import type { PregnancyEnd, PregnancySighting } from '../qc/pregnancy-identity.js';
import type { PatientFollowUp } from './audit-follow-up.js';

/** The funnel's options of the bulk audit; the period defaults to the whole export (first indication or NIPT … as-of day). */
export interface BulkFollowUpOptions extends Omit<FollowUpOptions, 'from' | 'to' | 'groupBy'> {
  readonly from?: string;
  readonly to?: string;
  readonly groupBy?: FollowUpGroupBy;
}

export interface FollowUpCollector {
  add(p: PatientFollowUp | undefined): void;
  /** The funnel over every woman added, computed once by `computeFollowUp` (docs/design.md#bulk-follow-up). */
  report(opts: BulkFollowUpOptions): FollowUpReport;
}

/**
 * Collects the women's follow-up facts across the buckets of the bulk audit (only those with a
 * finding or an event, a few rows each) and computes the funnel once at the end, with the same pure
 * function as `GET /qc/follow-up`.
 */
export function createFollowUpCollector(): FollowUpCollector {
  const findings: FindingFact[] = [];
  const communications: CommunicationFact[] = [];
  const sightings: PregnancySighting[] = [];
  const ends: PregnancyEnd[] = [];
  const events: FollowUpFact[] = [];
  const indications: string[] = [];
  const niptDays: string[] = [];
  return {
    add(p) {
      if (!p) return;
      findings.push(...p.findings);
      communications.push(...p.communications);
      sightings.push(...p.sightings);
      ends.push(...p.ends);
      events.push(...p.events);
      if (p.findings[0]) indications.push(p.findings[0].receivedAt);
      for (const e of p.events) if (e.kind === 'nipt-high-risk' || e.kind === 'nipt-low-risk') niptDays.push(e.day);
    },
    report(opts) {
      const to = opts.to ?? opts.today;
      const days = [...indications.map((at) => instantDay(at, opts.timeZone)), ...niptDays];
      const first = days.reduce((a, b) => (b < a ? b : a), to);
      const from = opts.from ?? first;
      return computeFollowUp(
        { compliance: { findings, cards: [], feedback: [], acknowledgements: [], communications, sightings, ends }, events },
        { ...opts, from, to, groupBy: opts.groupBy ?? 'institution' },
      );
    },
  };
}
