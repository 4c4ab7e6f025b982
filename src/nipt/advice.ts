import { addDays, formatGestationalAge, gestationalAgeDays, PREGNANCY_DAYS } from '../calendar/index.js';
import type { PregnancyFacts } from '../clinical/finding-params.js';
import type { Policy } from '../clinical/policy.js';
import type { Finding } from '../engine/rule.js';
import type { NiptCategoryId, NiptReasonId } from '../engine/rule-ids.js';
import { NIPT_RULES } from './rules/index.js';

/**
 * What a not-applicable NIPT card advises, following the reason (docs/rules.md#nipt-advice;
 * NIPT-2016 不适用人群; ZJ-2023 Art.24, 28):
 *
 * - `prenatal-diagnosis` — a parental chromosomal abnormality, a monogenic risk or a fetal
 *   structural anomaly: prenatal diagnosis instead of NIPT (referral suggested);
 * - `window-passed` — GA beyond the window: no NIPT in this pregnancy; a referral only when a
 *   prenatal-diagnosis indication (a referral finding) exists;
 * - `nipt-unreliable` — an active maternal malignancy: no NIPT; a referral only when indicated;
 * - `reorder` — too early, or a transfusion / transplant / cell therapy within the last year: NIPT
 *   from `from` (the window's first day, or the first day past NIPT_TRANSFUSION_DAYS, whichever is
 *   later), no referral;
 * - `not-this-pregnancy` — that day falls after the window closes: no NIPT in this pregnancy; a
 *   referral only when indicated.
 *
 * Precedence: prenatal-diagnosis > window-passed > nipt-unreliable > reorder / not-this-pregnancy.
 * A not-applicable reason unknown here (a future rule) gets the prenatal-diagnosis advice.
 */
export type NiptAdviceKind = 'prenatal-diagnosis' | 'window-passed' | 'nipt-unreliable' | 'reorder' | 'not-this-pregnancy';

export interface NiptAdvice {
  readonly kind: NiptAdviceKind;
  /** The not-applicable reasons the advice follows (for `reorder` / `not-this-pregnancy`: the one that sets `from`). */
  readonly basis: readonly NiptReasonId[];
  /** `reorder` / `not-this-pregnancy`: the first day NIPT is applicable and reliable (YYYY-MM-DD). */
  readonly from?: string;
  /** GA on `from` (`w+d`), when GA is known. */
  readonly fromGa?: string;
  /** The last day of the NIPT window in this pregnancy (GA NIPT_GA_MAX_DAYS), when GA is known. */
  readonly windowEnds?: string;
  /** Whether the card suggests a prenatal-diagnosis referral. */
  readonly referral: boolean;
}

/** Not-applicable reasons that call for prenatal diagnosis (NIPT-2016: 夫妇一方染色体异常, 单基因病, 胎儿结构异常). */
export const DIAGNOSIS_REASONS: readonly NiptReasonId[] = Object.freeze([
  'nipt-parental-chromosomal-abnormality',
  'nipt-monogenic-risk',
  'nipt-fetal-structural-anomaly',
]);

export interface AdviceInput {
  readonly pregnancy: PregnancyFacts;
  /** The referral findings of the same snapshot: the prenatal-diagnosis indications (Art.24, screening high risk). */
  readonly indications: readonly Finding[];
  readonly policy: Policy;
  readonly today: string;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The advice of a not-applicable order, from its reason findings; undefined for the other categories. */
export function niptAdvice(category: NiptCategoryId, reasons: readonly Finding[], i: AdviceInput): NiptAdvice | undefined {
  if (category !== 'nipt-not-applicable') return undefined;
  const find = (rule: NiptReasonId) => reasons.find((f) => f.rule === rule);
  const indicated = i.indications.length > 0;
  const edd = i.pregnancy.gaDays === undefined ? undefined : i.pregnancy.edd?.date;
  const onGa = (gaDays: number) => (edd ? addDays(edd, gaDays - PREGNANCY_DAYS) : undefined);
  const windowEnds = onGa(i.policy.NIPT_GA_MAX_DAYS);
  const ends = windowEnds ? { windowEnds } : {};

  const diagnosis = reasons.filter((f) => DIAGNOSIS_REASONS.includes(f.rule as NiptReasonId));
  if (diagnosis.length > 0) return { kind: 'prenatal-diagnosis', basis: diagnosis.map((f) => f.rule as NiptReasonId), referral: true };
  if (find('nipt-ga-too-late')) return { kind: 'window-passed', basis: ['nipt-ga-too-late'], ...ends, referral: indicated };
  if (find('nipt-maternal-malignancy')) return { kind: 'nipt-unreliable', basis: ['nipt-maternal-malignancy'], referral: indicated };

  const dates: { rule: NiptReasonId; from: string }[] = [];
  const opens = onGa(i.policy.NIPT_GA_MIN_DAYS);
  if (find('nipt-ga-too-early') && opens) dates.push({ rule: 'nipt-ga-too-early', from: opens });
  const donor = find('nipt-recent-transfusion-transplant');
  const daysAgo = num(donor?.params['daysAgo']);
  const windowDays = num(donor?.params['windowDays']);
  // Fired while performed ≤ windowDays days ago (inclusive): reliable from the day after.
  if (donor && daysAgo !== undefined && windowDays !== undefined)
    dates.push({ rule: 'nipt-recent-transfusion-transplant', from: addDays(i.today, windowDays - daysAgo + 1) });
  const latest = dates.reduce<(typeof dates)[number] | undefined>((w, d) => (!w || d.from > w.from ? d : w), undefined);
  if (!latest) {
    const basis = reasons.filter((f) => NIPT_RULES.find((r) => r.id === f.rule)?.category === category).map((f) => f.rule as NiptReasonId);
    return { kind: 'prenatal-diagnosis', basis, referral: true };
  }
  const fromGa = edd ? { fromGa: formatGestationalAge(gestationalAgeDays(edd, latest.from)) } : {};
  const base = { basis: [latest.rule], from: latest.from, ...fromGa, ...ends };
  return windowEnds && latest.from > windowEnds
    ? { kind: 'not-this-pregnancy', ...base, referral: indicated }
    : { kind: 'reorder', ...base, referral: false };
}

/** What the card shows of the reasons (docs/rules.md#nipt-advice). */
export interface CardReasons {
  /** Reasons of the card's category and those without a category (GA unknown, institution, consent). */
  readonly listed: readonly Finding[];
  /** Caution reasons of a not-applicable order advised to be re-ordered: they apply to that later order. */
  readonly forReorder: readonly Finding[];
  /** `nipt-invasive-contraindication`, named in one line where the card points to prenatal diagnosis. */
  readonly invasiveContraindication?: Finding;
}

/**
 * A reason of a lower category is not listed under a higher one: a not-applicable card lists its
 * not-applicable reasons (and, when it advises re-ordering, the caution reasons that will apply
 * then); a caution card its caution reasons; a suitable card every reason. Reasons without a
 * category are always listed. A contraindication to invasive prenatal diagnosis is named (not
 * listed) on a card that points to prenatal diagnosis: a referral, or a caution card with Art.24
 * indications.
 */
export function cardReasons(
  category: NiptCategoryId,
  advice: NiptAdvice | undefined,
  reasons: readonly Finding[],
  indicated: boolean,
): CardReasons {
  const categoryOf = (f: Finding) => NIPT_RULES.find((r) => r.id === f.rule)?.category;
  const listed = reasons.filter((f) => category === 'nipt-suitable' || categoryOf(f) === undefined || categoryOf(f) === category);
  const forReorder = advice?.kind === 'reorder' ? reasons.filter((f) => categoryOf(f) === 'nipt-caution') : [];
  const pointsToDiagnosis = advice ? advice.referral : category === 'nipt-caution' && indicated;
  const contraindication = reasons.find((f) => f.rule === 'nipt-invasive-contraindication');
  return {
    listed,
    forReorder,
    ...(category !== 'nipt-suitable' && pointsToDiagnosis && contraindication ? { invasiveContraindication: contraindication } : {}),
  };
}
