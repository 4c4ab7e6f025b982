import type { EpisodeOfCare } from '@medplum/fhirtypes';
import type { ReadContext } from '../data-elements/context.js';
import { conditionUsable } from '../data-elements/coded.js';
import { codes, episodeTypes, valueConcepts } from '../data-elements/concepts.js';
import { codedIn } from '../data-elements/memo.js';
import { hasNoValue, selectObservations } from '../data-elements/observations.js';
import { conditionDate, type EvidenceDate } from '../data-elements/resource-dates.js';
import { isAboutPatient, refOf } from '../data-elements/subject.js';
import { parseFhirDate, type DayNumber } from '../../calendar/index.js';

/** Evidence of pregnancy other than the EDD (docs/rules.md#current-pregnancy), with the day it was recorded when known. */
export interface PregnancySignal {
  readonly reference: string;
  readonly kind: 'status' | 'condition' | 'episode';
  readonly day?: DayNumber;
}

const ACTIVE_CLINICAL = new Set(['active', 'recurrence', 'relapse']);
// Value-set candidates only (memoised per snapshot list; see data-elements/memo.ts).
const CODE = [codes] as const;
const EPISODE_TYPE = [episodeTypes] as const;

const dayOf = (ed: EvidenceDate): DayNumber | undefined => ed.date?.last;

/**
 * The latest usable pregnancy-status Observation (LOINC 82810-3): `pregnant` when its value is in
 * `pregnant` (SNOMED 77386006), `not-pregnant` when in `not-pregnant` (60001007); other values
 * (unknown…) say nothing.
 */
export function latestPregnancyStatus(
  ctx: ReadContext,
): { value: 'pregnant' | 'not-pregnant'; reference: string; day: DayNumber } | undefined {
  for (const ev of selectObservations(ctx, 'pregnancy-status', false).usable) {
    if (hasNoValue(ev.resource) || !ev.date) continue;
    const values = valueConcepts(ev.resource);
    const value = values.some((c) => ctx.matcher.inValueSet('pregnant', c))
      ? 'pregnant'
      : values.some((c) => ctx.matcher.inValueSet('not-pregnant', c))
        ? 'not-pregnant'
        : undefined;
    if (value) return { value, reference: ev.reference, day: ev.date.last };
  }
  return undefined;
}

/**
 * Active pregnancy Conditions (SNOMED 77386006; clinicalStatus active/recurrence/relapse, not abated,
 * not entered-in-error/refuted) and active EpisodeOfCare of type pregnancy (status `active` only:
 * `planned`/`waitlist` are not a pregnancy yet, `finished`/`cancelled` no longer one).
 */
export function activePregnancyRecords(ctx: ReadContext): PregnancySignal[] {
  const out: PregnancySignal[] = [];
  const { snapshot, matcher, timeZone } = ctx;
  for (const c of codedIn(matcher, 'pregnancy-condition', CODE, snapshot.ofType('Condition'))) {
    if (!isAboutPatient(c, snapshot.patientId) || !conditionUsable(c)) continue;
    if (!c.clinicalStatus?.coding?.some((x) => typeof x.code === 'string' && ACTIVE_CLINICAL.has(x.code))) continue;
    if (c.abatementDateTime || c.abatementPeriod || c.abatementString || c.abatementAge || c.abatementRange) continue;
    const day = dayOf(conditionDate(c, timeZone));
    out.push({ reference: refOf(c), kind: 'condition', ...(day === undefined ? {} : { day }) });
  }
  for (const e of codedIn(matcher, 'pregnancy-episode', EPISODE_TYPE, snapshot.ofType('EpisodeOfCare') as readonly EpisodeOfCare[])) {
    if (!isAboutPatient(e, snapshot.patientId) || e.status !== 'active') continue;
    const day = parseFhirDate(e.period?.start, timeZone)?.last;
    out.push({ reference: refOf(e), kind: 'episode', ...(day === undefined ? {} : { day }) });
  }
  return out;
}
