import { addDays, eddFromGestationalAge, eddFromLmp, parseFhirDate, type ClinicalDate } from '../../calendar/index.js';
import type { ReadContext } from '../data-elements/context.js';
import { hasNoValue, selectObservations } from '../data-elements/observations.js';
import { durationInDays } from '../data-elements/units.js';
import type { PregnancyFacts } from '../finding-params.js';

export type EddSource = NonNullable<PregnancyFacts['edd']>['source'];

/** One way of dating the pregnancy found in the record. */
export interface EddCandidate {
  readonly source: EddSource;
  /** The EDD it implies, YYYY-MM-DD. */
  readonly edd: string;
  readonly reference: string;
  /** When it was recorded (effective / issued). */
  readonly recorded?: ClinicalDate;
}

/** Precedence (docs/rules.md#best-edd): 11778-8 > 11781-2 > 11779-6 > 11780-4 > LMP + 280 d > GA projected. */
export const EDD_PRECEDENCE: readonly { readonly source: EddSource; readonly element: string }[] = [
  { source: 'clinical', element: 'edd-clinical' },
  { source: 'ultrasound', element: 'edd-ultrasound' },
  { source: 'lmp-edd', element: 'edd-lmp' },
  { source: 'ovulation', element: 'edd-ovulation' },
  { source: 'lmp', element: 'lmp' },
  { source: 'ga', element: 'gestational-age' },
];

/**
 * Every usable dating candidate, per class most recent first. EDD / LMP values must be full dates
 * (valueDateTime with day precision; a partial or invalid date is unusable). A GA observation is
 * projected from its own effective day: EDD = day + (280 − GA days).
 */
export function eddCandidates(ctx: ReadContext): EddCandidate[] {
  const out: EddCandidate[] = [];
  for (const { source, element } of EDD_PRECEDENCE) {
    for (const ev of selectObservations(ctx, element, false).usable) {
      const o = ev.resource;
      if (hasNoValue(o)) continue;
      let edd: string | undefined;
      if (source === 'ga') {
        const ga = durationInDays(o.valueQuantity);
        if (ga.ok && ev.date?.day) edd = eddFromGestationalAge(ga.value, ev.date.day);
      } else {
        const day = parseFhirDate(o.valueDateTime, ctx.timeZone)?.day;
        if (day) edd = source === 'lmp' ? eddFromLmp(day) : addDays(day, 0);
      }
      if (edd) out.push({ source, edd, reference: ev.reference, ...(ev.date ? { recorded: ev.date } : {}) });
    }
  }
  return out;
}
