import type { ReadContext } from '../data-elements/context.js';
import { conditionUsable } from '../data-elements/coded.js';
import { codes, episodeTypes } from '../data-elements/concepts.js';
import { codedIn } from '../data-elements/memo.js';
import { conditionDate } from '../data-elements/resource-dates.js';
import { isAboutPatient, refOf } from '../data-elements/subject.js';
import { parseFhirDate, type DayNumber } from '../../calendar/index.js';

/** A record that a pregnancy ended (delivery, birth outcome, miscarriage, termination). */
export interface PregnancyEnd {
  readonly reference: string;
  /** The first day its date can denote (a partial date counts from its start). */
  readonly first: DayNumber;
}

const CODE = [codes] as const;
const EPISODE_TYPE = [episodeTypes] as const;

/**
 * Dated records that a pregnancy ended (docs/rules.md#pregnancy-status-unclear): a Condition in
 * value set `pregnancy-end` (not entered-in-error / refuted; date: onset, else recorded); a
 * `completed` Procedure in `pregnancy-end` (date: performedDateTime, else performedPeriod end, else
 * start); a `finished` EpisodeOfCare of type pregnancy (date: period.end). Undated, invalid and
 * future-dated records are left out: they cannot end a pregnancy.
 */
export function pregnancyEnds(ctx: ReadContext): PregnancyEnd[] {
  const { snapshot, matcher, timeZone, today } = ctx;
  const out: PregnancyEnd[] = [];
  const add = (reference: string, raw: unknown) => {
    const d = parseFhirDate(raw, timeZone);
    if (d && d.first <= today) out.push({ reference, first: d.first });
  };
  for (const c of codedIn(matcher, 'pregnancy-end', CODE, snapshot.ofType('Condition'))) {
    if (!isAboutPatient(c, snapshot.patientId) || !conditionUsable(c)) continue;
    const d = conditionDate(c, timeZone).date;
    if (d && d.first <= today) out.push({ reference: refOf(c), first: d.first });
  }
  for (const p of codedIn(matcher, 'pregnancy-end', CODE, snapshot.ofType('Procedure'))) {
    if (!isAboutPatient(p, snapshot.patientId) || p.status !== 'completed') continue;
    add(refOf(p), p.performedDateTime ?? p.performedPeriod?.end ?? p.performedPeriod?.start);
  }
  for (const e of codedIn(matcher, 'pregnancy-episode', EPISODE_TYPE, snapshot.ofType('EpisodeOfCare'))) {
    if (!isAboutPatient(e, snapshot.patientId) || e.status !== 'finished') continue;
    add(refOf(e), e.period?.end);
  }
  return out;
}
