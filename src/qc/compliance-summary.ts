import { DEFAULT_POLICY } from '../clinical/policy.js';
import { pregnancyFacts, pregnancyIndex, type PregnancyFacts } from './compliance.js';
import type { AcknowledgementFact, CardFact, CommunicationFact, ComplianceOptions, FeedbackFact, FindingFact } from './compliance-types.js';
import { followUpFacts, type FollowUpPregnancyFacts } from './follow-up.js';
import type { FollowUpFact } from './follow-up-types.js';
import type { PregnancySighting } from './pregnancy-identity.js';

/**
 * The per-pregnancy summary of notification compliance and of the follow-up funnel
 * (docs/design.md#qc-summary), its pure part: the facts of each woman's pregnancies per scope,
 * computed from her rows with the reports' own code (`pregnancyFacts`, `followUpFacts`); a report of
 * a period is `complianceFromFacts` / `followUpFromFacts` of the stored facts, as `computeCompliance`
 * / `computeFollowUp` are of the facts of its rows.
 */

/** The scope key of the province (an institution's is its id). */
export const PROVINCE_SCOPE = '';

/** What the stored facts depend on besides the rows: others make every woman's facts stale. */
export type SummarySettings = Pick<ComplianceOptions, 'timeZone' | 'referralRules' | 'pregnancyToleranceDays'>;

/**
 * What the stored facts are, in this code: raised when their content changes, so facts stored by an
 * older version are recomputed. 2: the follow-up funnel's facts beside compliance's; 3: a notice
 * linked again by a later call that computed the same notice is no longer an observed notice
 * (migration 22): facts stored before counted such a woman as notified.
 */
const FACTS_VERSION = 3;

/** The settings as the one string the store compares (rules sorted: their order means nothing), with FACTS_VERSION. */
export function settingsKey(s: SummarySettings): string {
  return JSON.stringify({
    facts: FACTS_VERSION,
    timeZone: s.timeZone,
    referralRules: [...s.referralRules].sort(),
    toleranceDays: s.pregnancyToleranceDays ?? DEFAULT_POLICY.PREGNANCY_EDD_TOLERANCE_DAYS,
  });
}

/** Where a row sits: the institution of its call (findings, cards, the card of a feedback item) or of its notice. */
interface Placed {
  readonly institutionId?: string;
}

/** Some women's rows of every institution and date (all that can change their facts), with the institution of each. */
export interface WomenRows {
  readonly findings: readonly FindingFact[];
  readonly cards: readonly CardFact[];
  readonly feedback: readonly (FeedbackFact & Placed & { readonly patientId?: string })[];
  readonly acknowledgements: readonly (AcknowledgementFact & Placed)[];
  readonly communications: readonly (CommunicationFact & Placed)[];
  readonly sightings: readonly PregnancySighting[];
  /** The follow-up events her calls observed; `institutionId` is the call's. */
  readonly events: readonly FollowUpFact[];
}

/** One stored summary row: a pregnancy's facts in one scope. */
export interface ScopedFacts<F = PregnancyFacts> {
  readonly scope: string;
  readonly patientId: string;
  readonly facts: F;
}

/** The summary's rows of some women: notification compliance's and the follow-up funnel's. */
export interface SummaryFacts {
  readonly compliance: ScopedFacts[];
  readonly followUp: ScopedFacts<FollowUpPregnancyFacts>[];
}

/**
 * The facts of every pregnancy of these women that a report can show, in the province's scope and
 * in each institution where she had a referral finding (compliance) or a call that observed a
 * follow-up event (the funnel). Each woman's and each scope's are computed from her own rows of that
 * scope, exactly as a report of that scope reads them (src/store/compliance-period.ts,
 * src/store/follow-up-period.ts): the province's from every row, an institution's from its calls'
 * findings, cards, clicks and events and its notices' signatures and observations, with her
 * sightings at every institution.
 */
export function summaryFacts(rows: WomenRows, settings: SummarySettings): SummaryFacts {
  const out: { compliance: ScopedFacts[]; followUp: ScopedFacts<FollowUpPregnancyFacts>[] } = { compliance: [], followUp: [] };
  const placed = (list: readonly Placed[]) => list.flatMap((r) => (r.institutionId === undefined ? [] : [r.institutionId]));
  for (const [patientId, own] of byWoman(rows)) {
    for (const scope of new Set([PROVINCE_SCOPE, ...placed(own.findings), ...placed(own.events)])) {
      const input = inScope(own, scope);
      if (input.findings.length > 0)
        for (const facts of pregnancyFacts(input, settings, pregnancyIndex(input, settings)))
          out.compliance.push({ scope, patientId, facts });
      for (const facts of followUpFacts({ compliance: input, events: input.events }, settings))
        out.followUp.push({ scope, patientId, facts });
    }
  }
  return out;
}

/** The rows by woman, for the women with findings or follow-up events (only they can have facts); the hook audit has no pregnancy-end records. */
function byWoman(rows: WomenRows): Map<string, WomenRows> {
  const women = new Map<string, { [K in keyof WomenRows]: WomenRows[K][number][] }>();
  const hers = (patientId: string | undefined) => {
    if (patientId === undefined) return undefined;
    let w = women.get(patientId);
    if (!w)
      women.set(
        patientId,
        (w = { findings: [], cards: [], feedback: [], acknowledgements: [], communications: [], sightings: [], events: [] }),
      );
    return w;
  };
  for (const f of rows.findings) hers(f.patientId)?.findings.push(f);
  for (const e of rows.events) hers(e.patientId)?.events.push(e);
  const theirs = (patientId: string | undefined) => (patientId === undefined ? undefined : women.get(patientId));
  for (const c of rows.cards) theirs(c.patientId)?.cards.push(c);
  for (const fb of rows.feedback) theirs(fb.patientId)?.feedback.push(fb);
  for (const a of rows.acknowledgements) theirs(a.patientId)?.acknowledgements.push(a);
  for (const c of rows.communications) theirs(c.patientId)?.communications.push(c);
  for (const s of rows.sightings) theirs(s.patientId)?.sightings.push(s);
  return women;
}

/** A woman's rows of one scope (the province: all of them); her sightings stay whole, a pregnancy being resolved from every call of her EHR. */
function inScope(own: WomenRows, scope: string): WomenRows {
  if (scope === PROVINCE_SCOPE) return own;
  const here = <T extends Placed>(list: readonly T[]) => list.filter((r) => r.institutionId === scope);
  return {
    findings: here(own.findings),
    cards: here(own.cards),
    feedback: here(own.feedback),
    acknowledgements: here(own.acknowledgements),
    communications: here(own.communications),
    sightings: own.sightings,
    events: here(own.events),
  };
}
