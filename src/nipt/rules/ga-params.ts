import { formatGestationalAge } from '../../calendar/index.js';
import type { PregnancyFacts } from '../../clinical/finding-params.js';
import type { Policy } from '../../clinical/policy.js';

/** Inputs of the gestational-age rules: the dating elements (docs/rules.md#best-edd). */
export const DATING_INPUTS: readonly string[] = Object.freeze([
  'edd-clinical',
  'edd-ultrasound',
  'edd-lmp',
  'edd-ovulation',
  'lmp',
  'gestational-age',
]);

/** The NIPT window (docs/rules.md#nipt-suitable: 12+0 .. 22+6 by default, NIPT_GA_MIN_DAYS .. NIPT_GA_MAX_DAYS). */
export function niptWindow(policy: Policy): { minDays: number; maxDays: number; min: string; max: string } {
  return {
    minDays: policy.NIPT_GA_MIN_DAYS,
    maxDays: policy.NIPT_GA_MAX_DAYS,
    min: formatGestationalAge(policy.NIPT_GA_MIN_DAYS),
    max: formatGestationalAge(policy.NIPT_GA_MAX_DAYS),
  };
}

/** GA today and where it came from, for finding params (undefined when GA is unknown). */
export function gaParams(p: PregnancyFacts) {
  if (p.gaDays === undefined || !p.edd) return undefined;
  return {
    gaDays: p.gaDays,
    ga: formatGestationalAge(p.gaDays),
    edd: p.edd.date,
    eddSource: p.edd.source,
    items: [{ reference: p.edd.reference, date: p.edd.date }],
  };
}

/** Whether today's GA is inside the window; `unknown` without a GA. */
export function windowMet(p: PregnancyFacts, policy: Policy): boolean | 'unknown' {
  if (p.gaDays === undefined) return 'unknown';
  return p.gaDays >= policy.NIPT_GA_MIN_DAYS && p.gaDays <= policy.NIPT_GA_MAX_DAYS;
}
