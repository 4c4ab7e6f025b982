import type { Unusable } from '../../clinical/data-elements/context.js';
import { codedEvidence, type CodedHit } from '../../clinical/data-elements/coded.js';
import { evidenceItem } from '../../clinical/data-elements/items.js';
import { latestMeasurement, type Latest } from '../../clinical/data-elements/quantity.js';
import { lengthIn } from '../../clinical/data-elements/units.js';
import type { AmnioticFluidParams, EvidenceItem, PregnancyFacts } from '../../clinical/finding-params.js';
import type { Rule } from '../../engine/rule.js';
import { fired, notFiredOrInsufficient, NOT_PREGNANT, pregnancyContext, REFERRAL_SERVICES, RULE_VERSION } from './common.js';

const CITATION = { zj: 'ZJ-2023 Art.24(1)', national: 'PDM Art.17(1)' } as const;

type Kind = AmnioticFluidParams['kind'];

function classify(latest: Latest, low: number, high: number): Kind | undefined {
  if (latest.kind !== 'value') return undefined;
  if (latest.value <= low) return 'oligohydramnios';
  if (latest.value >= high) return 'polyhydramnios';
  return undefined;
}

const measurementItem = (l: Latest): EvidenceItem[] =>
  l.kind === 'value'
    ? [
        evidenceItem(l.evidence.reference, {
          date: l.evidence.date,
          code: l.evidence.resource.code?.coding?.[0],
          value: l.value,
          unit: 'cm',
        }),
      ]
    : [];

const codedItem = (h: CodedHit) => evidenceItem(h.reference, { date: h.date, code: h.coding, text: h.text });

/**
 * `amniotic-fluid` — oligohydramnios / polyhydramnios. ZJ-2023 Art.24(1) (「羊水过多或者过少的」);
 * PDM Art.17(1).
 *
 * Fires on the latest usable AFI (11627-7) ≤ AFI_LOW_CM or ≥ AFI_HIGH_CM, the latest usable DVP
 * (11832-3) ≤ DVP_LOW_CM or ≥ DVP_HIGH_CM (cm or mm, normalised to cm), or a coded finding of this
 * pregnancy (`oligohydramnios` / `polyhydramnios` value sets; a resolved Condition still counts).
 * The first trigger in the order AFI, DVP, coded decides `kind` and `decidedBy`; `items` lists every
 * trigger of that kind. If the latest AFI/DVP cannot be read and nothing fires: insufficient-data.
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
    const { policy } = input;
    const ctx = pregnancyContext(input);
    const cm = (o: Parameters<typeof lengthIn>[0]) => lengthIn(o, 'cm');
    const afi = latestMeasurement(ctx, 'afi', true, (o) => cm(o.valueQuantity));
    const dvp = latestMeasurement(ctx, 'dvp', true, (o) => cm(o.valueQuantity));
    const oligo = codedEvidence(ctx, 'oligohydramnios', true);
    const poly = codedEvidence(ctx, 'polyhydramnios', true);
    const afiKind = classify(afi, policy.AFI_LOW_CM, policy.AFI_HIGH_CM);
    const dvpKind = classify(dvp, policy.DVP_LOW_CM, policy.DVP_HIGH_CM);
    const latestCoded = [
      ...oligo.hits.map((h) => ['oligohydramnios', h] as const),
      ...poly.hits.map((h) => ['polyhydramnios', h] as const),
    ].sort((a, b) => (b[1].date?.last ?? -Infinity) - (a[1].date?.last ?? -Infinity))[0];

    let kind: Kind | undefined;
    let decidedBy: AmnioticFluidParams['decidedBy'] = 'coded';
    let thresholdCm: number | undefined;
    if (afiKind) {
      [kind, decidedBy] = [afiKind, 'afi'];
      thresholdCm = afiKind === 'oligohydramnios' ? policy.AFI_LOW_CM : policy.AFI_HIGH_CM;
    } else if (dvpKind) {
      [kind, decidedBy] = [dvpKind, 'dvp'];
      thresholdCm = dvpKind === 'oligohydramnios' ? policy.DVP_LOW_CM : policy.DVP_HIGH_CM;
    } else if (latestCoded) {
      kind = latestCoded[0];
    }
    if (!kind) {
      const unusable: Unusable[] = [...oligo.unusable, ...poly.unusable];
      for (const l of [afi, dvp]) {
        if (l.kind === 'unusable') unusable.push(l.unusable);
        else if (l.kind === 'none') unusable.push(...l.unusable);
      }
      return notFiredOrInsufficient(unusable);
    }
    const items: EvidenceItem[] = [
      ...(afiKind === kind ? measurementItem(afi) : []),
      ...(dvpKind === kind ? measurementItem(dvp) : []),
      ...(kind === 'oligohydramnios' ? oligo : poly).hits.map(codedItem),
    ];
    const params: AmnioticFluidParams = { kind, decidedBy, ...(thresholdCm !== undefined ? { thresholdCm } : {}), items };
    return fired('amniotic-fluid', CITATION, params);
  },
};
