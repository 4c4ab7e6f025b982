import { DEFAULT_POLICY } from '../clinical/policy.js';
import { pregnancyFacts, pregnancyIndex, type PregnancyFacts } from './compliance.js';
import type { AcknowledgementFact, CardFact, CommunicationFact, ComplianceOptions, FeedbackFact, FindingFact } from './compliance-types.js';
import type { PregnancySighting } from './pregnancy-identity.js';

/**
 * The per-pregnancy summary of notification compliance (docs/design.md#qc-summary), its pure part:
 * the facts of each woman's pregnancies per scope, computed from her rows with the report's own code
 * (`pregnancyIndex`, `pregnancyFacts`); a report of a period is `complianceFromFacts` of the stored
 * facts, as `computeCompliance` is of the facts of its rows.
 */

/** The scope key of the province (an institution's is its id). */
export const PROVINCE_SCOPE = '';

/** What the stored facts depend on besides the rows: others make every woman's facts stale. */
export type SummarySettings = Pick<ComplianceOptions, 'timeZone' | 'referralRules' | 'pregnancyToleranceDays'>;

/** The settings as the one string the store compares (rules sorted: their order means nothing). */
export function settingsKey(s: SummarySettings): string {
  return JSON.stringify({
    timeZone: s.timeZone,
    referralRules: [...s.referralRules].sort(),
    toleranceDays: s.pregnancyToleranceDays ?? DEFAULT_POLICY.PREGNANCY_EDD_TOLERANCE_DAYS,
  });
}

/** Where a row sits: the institution of its call (findings, cards, the card of a feedback item) or of its notice. */
interface Placed {
  readonly institutionId?: string;
}

/** Some women's rows, each read whole (every institution, every date) with the institution of each. */
export interface WomenRows {
  readonly findings: readonly FindingFact[];
  readonly cards: readonly CardFact[];
  readonly feedback: readonly (FeedbackFact & Placed & { readonly patientId?: string })[];
  readonly acknowledgements: readonly (AcknowledgementFact & Placed)[];
  readonly communications: readonly (CommunicationFact & Placed)[];
  readonly sightings: readonly PregnancySighting[];
}

/** One stored summary row: a pregnancy's facts in one scope. */
export interface ScopedFacts {
  readonly scope: string;
  readonly patientId: string;
  readonly facts: PregnancyFacts;
}

/**
 * The facts of every pregnancy of these women with a referral finding, in the province's scope and
 * in each institution where she had one. Each woman's and each scope's are computed from her own
 * rows of that scope (and all her sightings), exactly as a report of that scope reads them
 * (src/store/compliance-period.ts): the province's from every row, an institution's from its calls'
 * findings, cards and clicks and its notices' signatures and observations.
 */
export function summaryFacts(rows: WomenRows, settings: SummarySettings): ScopedFacts[] {
  const women = byWoman(rows);
  const out: ScopedFacts[] = [];
  for (const [patientId, own] of women) {
    const institutions = new Set(own.findings.flatMap((f) => (f.institutionId === undefined ? [] : [f.institutionId])));
    for (const scope of [PROVINCE_SCOPE, ...institutions]) {
      const input = scope === PROVINCE_SCOPE ? own : inScope(own, scope);
      const index = pregnancyIndex(input, settings);
      for (const facts of pregnancyFacts(input, settings, index)) out.push({ scope, patientId, facts });
    }
  }
  return out;
}

/** The rows by woman, for the women with findings (only they can have facts); the hook audit has no pregnancy-end records. */
function byWoman(rows: WomenRows): Map<string, WomenRows> {
  const women = new Map<string, { [K in keyof WomenRows]: WomenRows[K][number][] }>();
  for (const f of rows.findings) {
    if (f.patientId === undefined) continue;
    const w = women.get(f.patientId);
    if (w) w.findings.push(f);
    else women.set(f.patientId, { findings: [f], cards: [], feedback: [], acknowledgements: [], communications: [], sightings: [] });
  }
  const theirs = (patientId: string | undefined) => (patientId === undefined ? undefined : women.get(patientId));
  for (const c of rows.cards) theirs(c.patientId)?.cards.push(c);
  for (const fb of rows.feedback) theirs(fb.patientId)?.feedback.push(fb);
  for (const a of rows.acknowledgements) theirs(a.patientId)?.acknowledgements.push(a);
  for (const c of rows.communications) theirs(c.patientId)?.communications.push(c);
  for (const s of rows.sightings) theirs(s.patientId)?.sightings.push(s);
  return women;
}

/** A woman's rows of one institution; her sightings stay whole (a pregnancy is resolved from every call of her EHR). */
function inScope(own: WomenRows, institution: string): WomenRows {
  const here = <T extends Placed>(list: readonly T[]) => list.filter((r) => r.institutionId === institution);
  return {
    findings: here(own.findings),
    cards: here(own.cards),
    feedback: here(own.feedback),
    acknowledgements: here(own.acknowledgements),
    communications: here(own.communications),
    sightings: own.sightings,
  };
}
