import type { EpisodeOfCare } from '@medplum/fhirtypes';
import { fromDayNumber, parseFhirDate, toDayNumber, type DayNumber } from '../calendar/index.js';
import type { ReadContext } from '../clinical/data-elements/context.js';
import { episodeTypes } from '../clinical/data-elements/concepts.js';
import { codedIn } from '../clinical/data-elements/memo.js';
import { isAboutPatient, refOf } from '../clinical/data-elements/subject.js';
import type { Policy } from '../clinical/policy.js';
import { bestEdd } from '../clinical/pregnancy/best-edd.js';
import { eddCandidates } from '../clinical/pregnancy/edd-candidates.js';

/** One day of the record replayed as a hook call on that day would have keyed it (docs/design.md#bulk-pregnancy-replay). */
export interface ReplayedDay {
  readonly day: string;
  /** The pregnancy EpisodeOfCare under way that day (`EpisodeOfCare/<id>`), the call's key. */
  readonly episode?: string;
  /** The best EDD known that day, when it lies in the current-pregnancy window of that day. */
  readonly edd?: string;
}

/** A pregnancy episode and the days it was under way: [start, end]. */
interface EpisodeSpan {
  readonly reference: string;
  readonly start: DayNumber;
  readonly end: DayNumber;
}

const EPISODE_TYPE = [episodeTypes] as const;

/**
 * The pregnancy EpisodeOfCares of the record with the days they were under way: `active` from its
 * start on, `finished` from its start to its end (without an end, at most PREGNANCY_EDD_DAYS_AFTER
 * days: no pregnancy is recorded longer). Without a start day an episode dates no day (the as-of
 * day's facts still see an active one); planned, waitlisted, on-hold, cancelled or entered-in-error
 * ones were never a pregnancy under way.
 */
function pregnancyEpisodes(ctx: ReadContext, policy: Policy): EpisodeSpan[] {
  const { snapshot, matcher, timeZone } = ctx;
  const out: EpisodeSpan[] = [];
  for (const e of codedIn(matcher, 'pregnancy-episode', EPISODE_TYPE, snapshot.ofType('EpisodeOfCare') as readonly EpisodeOfCare[])) {
    if (!isAboutPatient(e, snapshot.patientId) || (e.status !== 'active' && e.status !== 'finished')) continue;
    // The last day of a partial start (`2025-03`): the episode surely existed from then.
    const start = parseFhirDate(e.period?.start, timeZone)?.last;
    if (start === undefined) continue;
    const end = parseFhirDate(e.period?.end, timeZone)?.last;
    const open = e.status === 'active' ? Number.POSITIVE_INFINITY : start + policy.PREGNANCY_EDD_DAYS_AFTER;
    out.push({ reference: refOf(e), start, end: end ?? open });
  }
  return out;
}

/**
 * The record replayed as the hook calls would have seen it (docs/design.md#bulk-pregnancy-replay):
 * a call on every day up to today that an EDD was recorded or a pregnancy episode started, keyed as
 * the referral service keys a call (docs/design.md#pregnancy-identity) — by the pregnancy episode
 * under way that day (the latest started when several are), and with the best EDD known that day
 * when it lies in that day's window [day − PREGNANCY_EDD_DAYS_BEFORE, day + PREGNANCY_EDD_DAYS_AFTER].
 * A day with neither is no sighting. Every pregnancy of the record appears, the current one and
 * earlier ones; the resolver (`resolvePregnancies`) then names them as it names hook calls.
 */
export function replayedDays(ctx: ReadContext, policy: Policy): readonly ReplayedDay[] {
  const candidates = eddCandidates(ctx);
  const episodes = pregnancyEpisodes(ctx, policy);
  const days = new Set<DayNumber>();
  for (const c of candidates) if (c.recorded && c.recorded.first <= ctx.today) days.add(c.recorded.first);
  for (const e of episodes) if (e.start <= ctx.today) days.add(e.start);
  return [...days]
    .sort((a, b) => a - b)
    .flatMap((day) => {
      const best = bestEdd(candidates.filter((c) => c.recorded !== undefined && c.recorded.first <= day));
      const eddDay = best ? toDayNumber(best.edd) : undefined;
      const inWindow =
        eddDay !== undefined && eddDay >= day - policy.PREGNANCY_EDD_DAYS_BEFORE && eddDay <= day + policy.PREGNANCY_EDD_DAYS_AFTER;
      const episode = episodes.filter((e) => e.start <= day && day <= e.end).sort((a, b) => b.start - a.start)[0];
      if (!inWindow && !episode) return [];
      return [{ day: fromDayNumber(day), ...(episode ? { episode: episode.reference } : {}), ...(inWindow ? { edd: best!.edd } : {}) }];
    });
}
