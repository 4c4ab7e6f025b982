import type { ClinicalNow } from '../../clock.js';
import type { PatientSnapshot } from '../../fhir/snapshot.js';
import { readContext } from '../data-elements/context.js';
import { formatGestationalAge, gestationalAgeDays, lmpFromEdd, toDayNumber } from '../../calendar/index.js';
import type { PregnancyFacts } from '../finding-params.js';
import type { Policy } from '../policy.js';
import { bestEdd } from './best-edd.js';
import { eddCandidates } from './edd-candidates.js';
import { activePregnancyRecords, latestPregnancyStatus } from './pregnancy-evidence.js';
import { pregnancyEnds } from './pregnancy-end.js';

const NOT_PREGNANT: PregnancyFacts = Object.freeze({ current: false, currentEvidence: Object.freeze([]) });

/**
 * Facts about the current pregnancy (docs/rules.md#current-pregnancy), derived once per request.
 *
 * Current when any of: the best EDD lies in [today − 14 d, today + 300 d]; the latest
 * pregnancy-status Observation (82810-3) says pregnant (77386006) and is at most 300 days old; an
 * active pregnancy Condition; an active pregnancy EpisodeOfCare. Never for a patient whose
 * `gender` is `male`. Decisions the regulations leave open:
 * - a best EDD outside the window is a previous pregnancy's: it is not this pregnancy's EDD even
 *   when other evidence says she is pregnant (the facts then carry no EDD/LMP/GA);
 * - a latest pregnancy-status "not pregnant" (60001007) recorded on/after every piece of positive
 *   evidence (and after the LMP) ends the pregnancy: current = false;
 * - the pregnancy key is the active pregnancy EpisodeOfCare when there is one (even with an EDD in
 *   the window; the facts keep the EDD), else `Patient/<id>|<best EDD>`;
 * - a best EDD more than POSTTERM_MAX_DAYS past (GA > 42+0) asks whether the pregnancy has ended
 *   (docs/rules.md#pregnancy-status-unclear): a delivery / pregnancy-end record on or after its LMP
 *   (or a "not pregnant" status) ends it; without one its status is unclear (`statusUnclear`).
 */
export function derivePregnancyFacts(snapshot: PatientSnapshot, policy: Policy, now: ClinicalNow): PregnancyFacts {
  if (snapshot.patient?.gender === 'male') return NOT_PREGNANT;
  const ctx = readContext(snapshot, policy, now);
  const today = ctx.today;

  const best = bestEdd(eddCandidates(ctx));
  const eddDay = best ? toDayNumber(best.edd) : undefined;
  const eddInWindow =
    best !== undefined &&
    eddDay !== undefined &&
    eddDay >= today - policy.PREGNANCY_EDD_DAYS_BEFORE &&
    eddDay <= today + policy.PREGNANCY_EDD_DAYS_AFTER;

  const evidence: { reference: string; day?: number }[] = [];
  if (eddInWindow) evidence.push({ reference: best.reference, ...(best.recorded ? { day: best.recorded.last } : {}) });
  const status = latestPregnancyStatus(ctx);
  if (status?.value === 'pregnant' && status.day >= today - policy.PREGNANCY_STATUS_DAYS)
    evidence.push({ reference: status.reference, day: status.day });
  for (const s of activePregnancyRecords(ctx)) evidence.push(s);
  if (evidence.length === 0) return NOT_PREGNANT;

  if (status?.value === 'not-pregnant' && status.day >= today - policy.PREGNANCY_STATUS_DAYS) {
    const lmpDay = eddInWindow ? eddDay - 280 : undefined;
    const latestPositive = Math.max(...evidence.map((e) => e.day ?? Number.NEGATIVE_INFINITY));
    if (status.day >= latestPositive && (lmpDay === undefined || status.day >= lmpDay)) return NOT_PREGNANT;
  }

  const currentEvidence = Object.freeze(evidence.map((e) => e.reference));
  // The EHR's own pregnancy episode is the key whenever it has one (docs/design.md#pregnancy-identity).
  const episode = evidence.find((e) => e.reference.startsWith('EpisodeOfCare/'));
  if (!eddInWindow) return Object.freeze({ current: true, currentEvidence, ...(episode ? { pregnancyKey: episode.reference } : {}) });
  const gaDays = gestationalAgeDays(best.edd, now.today);
  // Past the post-term limit: has anything recorded the end of this pregnancy (on or after its LMP)?
  const daysPastEdd = today - eddDay;
  const overdue = daysPastEdd > policy.POSTTERM_MAX_DAYS;
  const lmpDay = eddDay - 280;
  if (overdue && ((status?.value === 'not-pregnant' && status.day >= lmpDay) || pregnancyEnds(ctx).some((e) => e.first >= lmpDay)))
    return NOT_PREGNANT;
  return Object.freeze({
    current: true,
    currentEvidence,
    edd: Object.freeze({ date: best.edd, source: best.source, reference: best.reference }),
    lmp: lmpFromEdd(best.edd),
    gaDays,
    ga: formatGestationalAge(gaDays),
    pregnancyKey: episode ? episode.reference : `Patient/${snapshot.patientId}|${best.edd}`,
    ...(overdue ? { statusUnclear: Object.freeze({ daysPastEdd, limitDays: policy.POSTTERM_MAX_DAYS }) } : {}),
  });
}
