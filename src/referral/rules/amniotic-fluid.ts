import type { Coding } from '@medplum/fhirtypes';
import type { ClinicalDate } from '../../calendar/index.js';
import type { ReadContext, Unusable } from '../../clinical/data-elements/context.js';
import { codedEvidence, type CodedHit } from '../../clinical/data-elements/coded.js';
import { evidenceItem } from '../../clinical/data-elements/items.js';
import { hasNoValue, selectObservations } from '../../clinical/data-elements/observations.js';
import { fetalReadings, isFetusDesignation, MEASURE_CONCEPTS } from '../../clinical/data-elements/per-fetus.js';
import { recordedLength } from '../../clinical/data-elements/units.js';
import type { AmnioticFluidParams, AmnioticFluidReading, EvidenceItem, PregnancyFacts } from '../../clinical/finding-params.js';
import type { Policy } from '../../clinical/policy.js';
import type { Rule } from '../../engine/rule.js';
import { fired, notFiredOrInsufficient, NOT_PREGNANT, pregnancyContext, REFERRAL_SERVICES, RULE_VERSION } from './common.js';

const CITATION = { zj: 'ZJ-2023 Art.24(1)', national: 'PDM Art.17(1)' } as const;

type Kind = AmnioticFluidParams['kind'];
type Measure = AmnioticFluidReading['measure'];

const MEASURES: readonly { readonly measure: Measure; readonly low: (p: Policy) => number; readonly high: (p: Policy) => number }[] = [
  { measure: 'afi', low: (p) => p.AFI_LOW_CM, high: (p) => p.AFI_HIGH_CM },
  { measure: 'dvp', low: (p) => p.DVP_LOW_CM, high: (p) => p.DVP_HIGH_CM },
];

/** A reading with what ordering and evidence need. */
interface Dated {
  readonly reading: AmnioticFluidReading;
  readonly date?: ClinicalDate;
  readonly code?: Coding;
  readonly first: number;
  readonly last: number;
}

/** Oldest first; same day: AFI before DVP, then by fetus, value and reference (never by Bundle order). */
function chronological(a: Dated, b: Dated): number {
  const x = a.reading;
  const y = b.reading;
  return (
    a.last - b.last ||
    a.first - b.first ||
    x.measure.localeCompare(y.measure) ||
    (x.fetus ?? '').localeCompare(y.fetus ?? '') ||
    x.valueCm - y.valueCm ||
    x.reference.localeCompare(y.reference)
  );
}

/** Every AFI and DVP reading of this pregnancy (per fetus), classified; unreadable ones reported. */
function readings(ctx: ReadContext, policy: Policy): { dated: Dated[]; unusable: Unusable[] } {
  const dated: Dated[] = [];
  const unusable: Unusable[] = [];
  for (const spec of MEASURES) {
    const sel = selectObservations(ctx, spec.measure, true, MEASURE_CONCEPTS);
    unusable.push(...sel.unusable);
    for (const ev of sel.usable) {
      for (const r of fetalReadings(
        ctx.matcher,
        spec.measure,
        ev,
        (v) => recordedLength(v, 'cm'),
        (o) => !hasNoValue(o),
      )) {
        if (!r.value.ok) {
          // The reason is audited: a fetus designation goes in, a label as written does not.
          const fetus = r.fetus !== undefined && isFetusDesignation(r.fetus) ? `fetus ${r.fetus}: ` : '';
          unusable.push({ reference: ev.reference, reason: `${fetus}${r.value.reason}` });
          continue;
        }
        const valueCm = r.value.value;
        const low = spec.low(policy);
        const high = spec.high(policy);
        const kind: Kind | undefined = valueCm <= low ? 'oligohydramnios' : valueCm >= high ? 'polyhydramnios' : undefined;
        const reading: AmnioticFluidReading = {
          measure: spec.measure,
          valueCm,
          ...(ev.date ? { date: ev.date.raw } : {}),
          ...(r.fetus ? { fetus: r.fetus } : {}),
          ...(kind ? { kind, thresholdCm: kind === 'oligohydramnios' ? low : high } : {}),
          reference: ev.reference,
        };
        const code = ev.resource.code?.coding?.[0];
        dated.push({
          reading,
          ...(ev.date ? { date: ev.date } : {}),
          ...(code ? { code } : {}),
          first: ev.date?.first ?? 0,
          last: ev.date?.last ?? 0,
        });
      }
    }
  }
  return { dated: dated.sort(chronological), unusable };
}

const readingItem = (d: Dated): EvidenceItem =>
  evidenceItem(d.reading.reference, { date: d.date, code: d.code, value: d.reading.valueCm, unit: 'cm', fetus: d.reading.fetus });

const codedItem = (h: CodedHit) => evidenceItem(h.reference, { date: h.date, code: h.coding, text: h.text });

/**
 * `amniotic-fluid` — oligohydramnios / polyhydramnios. ZJ-2023 Art.24(1) (「羊水过多或者过少的」);
 * PDM Art.17(1).
 *
 * Fires on any usable AFI (11627-7) ≤ AFI_LOW_CM or ≥ AFI_HIGH_CM, or DVP (11832-3) ≤ DVP_LOW_CM or
 * ≥ DVP_HIGH_CM, at any time in this pregnancy (a later normal value does not undo it), for any
 * fetus (per-fetus Observations or components: docs/rules.md#per-fetus), in cm or mm in any
 * spelling (docs/rules.md#units); or on a coded finding of this pregnancy (`oligohydramnios` /
 * `polyhydramnios` value sets; a resolved Condition still counts). The most recent abnormal reading
 * decides `kind`, `decidedBy` and `thresholdCm` (else the latest coded finding); `abnormal` lists the
 * abnormal readings (most recent first, naming the fetus), `course` every reading (oldest first),
 * `items` the evidence of that kind. Ordering never depends on the Bundle. Nothing fires and a
 * reading cannot be read (no unit, unknown unit): insufficient-data.
 */
export const amnioticFluidRule: Rule<PregnancyFacts> = {
  id: 'amniotic-fluid',
  version: RULE_VERSION,
  title: { 'zh-CN': '羊水过多或者过少', en: 'Polyhydramnios or oligohydramnios' },
  citation: CITATION,
  services: REFERRAL_SERVICES,
  inputs: ['afi', 'dvp', 'oligohydramnios', 'polyhydramnios'],
  evaluate(input) {
    if (!input.facts.current) return NOT_PREGNANT;
    const ctx = pregnancyContext(input);
    const { dated, unusable } = readings(ctx, input.policy);
    const oligo = codedEvidence(ctx, 'oligohydramnios', true);
    const poly = codedEvidence(ctx, 'polyhydramnios', true);
    const abnormal = dated.filter((d) => d.reading.kind !== undefined);
    const lastDay = abnormal.length > 0 ? abnormal[abnormal.length - 1]!.last : undefined;
    // The most recent abnormal reading decides; on a day with several, the first in reading order.
    const decisive = abnormal.find((d) => d.last === lastDay)?.reading;
    const latestCoded = [
      ...oligo.hits.map((h) => ['oligohydramnios', h] as const),
      ...poly.hits.map((h) => ['polyhydramnios', h] as const),
    ].sort((a, b) => (b[1].date?.last ?? -Infinity) - (a[1].date?.last ?? -Infinity))[0];
    const kind: Kind | undefined = decisive?.kind ?? latestCoded?.[0];
    if (!kind) return notFiredOrInsufficient([...unusable, ...oligo.unusable, ...poly.unusable]);

    // Most recent first; within a day, reading order.
    const byRecency = [...abnormal].sort((a, b) => b.last - a.last || chronological(a, b));
    const items: EvidenceItem[] = [
      ...byRecency.filter((d) => d.reading.kind === kind).map(readingItem),
      ...(kind === 'oligohydramnios' ? oligo : poly).hits.map(codedItem),
    ];
    const params: AmnioticFluidParams = {
      kind,
      decidedBy: decisive ? decisive.measure : 'coded',
      ...(decisive?.thresholdCm !== undefined ? { thresholdCm: decisive.thresholdCm } : {}),
      ...(byRecency.length > 0 ? { abnormal: byRecency.map((d) => d.reading) } : {}),
      ...(dated.length > 0 ? { course: dated.map((d) => d.reading) } : {}),
      items,
    };
    return fired('amniotic-fluid', CITATION, params);
  },
};
