import type { CodedSelection } from '../../clinical/data-elements/coded.js';
import { fetalFindings } from '../../clinical/data-elements/fetal-finding.js';
import { evidenceItem } from '../../clinical/data-elements/items.js';
import { latestMeasurement } from '../../clinical/data-elements/quantity.js';
import { lengthIn } from '../../clinical/data-elements/units.js';
import type { EvidenceItem, FetalAnomalyParams, PregnancyFacts } from '../../clinical/finding-params.js';
import type { Rule } from '../../engine/rule.js';
import { fired, notFiredOrInsufficient, NOT_PREGNANT, pregnancyContext, REFERRAL_SERVICES, RULE_VERSION } from './common.js';

const CITATION = { zj: 'ZJ-2023 Art.24(2)', national: 'PDM Art.17(2)' } as const;

/**
 * `fetal-anomaly` — suspected fetal anomaly. ZJ-2023 Art.24(2) (「胎儿发育异常或者胎儿有可疑畸形的」);
 * PDM Art.17(2).
 *
 * Fires on a fetal finding of this pregnancy (docs/rules.md#fetal-finding: the record says it is
 * about the fetus — an O35/O36 code, the `fetal-finding` marker, an obstetric-ultrasound or
 * prenatal-diagnosis Observation / DiagnosticReport, an Observation focused on a fetus) coded in the
 * `fetal-anomaly` value set (ICD-10 O35.x except O35.5/O35.6, Q00–Q99; SNOMED 702709008, the
 * major-anomaly and severe-defect sets; + local codes); on fetal growth restriction (ICD-10 O36.5,
 * SNOMED 22033007) when FGR_IS_ANOMALY; or on the latest usable nuchal translucency (`nt-mm`, mm or
 * cm) ≥ NT_MM_MIN. The woman's own anomaly codes never count.
 */
export const fetalAnomalyRule: Rule<PregnancyFacts> = {
  id: 'fetal-anomaly',
  version: RULE_VERSION,
  title: { 'zh-CN': '胎儿发育异常或者胎儿有可疑畸形', en: 'Abnormal fetal development or suspected fetal malformation' },
  citation: CITATION,
  services: REFERRAL_SERVICES,
  inputs: ['fetal-anomaly', 'fetal-growth-restriction', 'nuchal-translucency'],
  evaluate(input) {
    if (!input.facts.current) return NOT_PREGNANT;
    const ctx = pregnancyContext(input);
    const min = input.policy.NT_MM_MIN;
    const coded = fetalFindings(ctx, 'fetal-anomaly');
    const fgr: CodedSelection = input.policy.FGR_IS_ANOMALY ? fetalFindings(ctx, 'fetal-growth-restriction') : { hits: [], unusable: [] };
    const nt = latestMeasurement(ctx, 'nuchal-translucency', true, (o) => lengthIn(o.valueQuantity, 'mm'));
    const ntFires = nt.kind === 'value' && nt.value >= min;
    const sources: FetalAnomalyParams['sources'][number][] = [];
    const items: EvidenceItem[] = [];
    for (const h of coded.hits) {
      if (!sources.includes(h.source)) sources.push(h.source);
      items.push(evidenceItem(h.reference, { date: h.date, code: h.coding, text: h.text }));
    }
    if (ntFires) {
      sources.push('nt');
      items.push(
        evidenceItem(nt.evidence.reference, {
          date: nt.evidence.date,
          code: nt.evidence.resource.code?.coding?.[0],
          value: nt.value,
          unit: 'mm',
        }),
      );
    }
    for (const h of fgr.hits) {
      if (items.some((i) => i.reference === h.reference)) continue;
      if (!sources.includes('fgr')) sources.push('fgr');
      items.push(evidenceItem(h.reference, { date: h.date, code: h.coding, text: h.text }));
    }
    if (items.length === 0) {
      const unusable = [
        ...coded.unusable,
        ...fgr.unusable,
        ...(nt.kind === 'unusable' ? [nt.unusable] : nt.kind === 'none' ? nt.unusable : []),
      ];
      return notFiredOrInsufficient(unusable);
    }
    const params: FetalAnomalyParams = { sources, ...(ntFires ? { ntThresholdMm: min } : {}), items };
    return fired('fetal-anomaly', CITATION, params);
  },
};
