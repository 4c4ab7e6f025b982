import { codedEvidence } from '../../clinical/data-elements/coded.js';
import { evidenceItem } from '../../clinical/data-elements/items.js';
import { latestMeasurement } from '../../clinical/data-elements/quantity.js';
import type { EvidenceItem } from '../../clinical/finding-params.js';
import { fetusCount } from '../readers/measurements.js';
import {
  BOTH_HOOKS,
  CLINICAL_CITATION,
  NIPT_RULE_VERSION,
  NIPT_SERVICES,
  niptFired,
  NOT_PREGNANT,
  pregnancyContext,
  notFiredOrInsufficient,
  type NiptRule,
} from './common.js';

/**
 * `nipt-multiple-pregnancy` — twins or more: NIPT only with caution. ZJ-2023 Art.28; NIPT-2016
 * (慎用: 双胎及多胎妊娠). Evidence of this pregnancy: the latest usable number of fetuses
 * (LOINC 55281-0 / SNOMED 246435002, value set `fetus-count`) > 1; or a coded multiple pregnancy
 * (SNOMED 16356006, 65147003, ICD-10 O30.x + local) on a Condition, Observation or report.
 */
export const niptMultiplePregnancyRule: NiptRule = {
  id: 'nipt-multiple-pregnancy',
  version: NIPT_RULE_VERSION,
  title: { 'zh-CN': '双胎及多胎妊娠', en: 'Twin or higher-order multiple pregnancy' },
  citation: CLINICAL_CITATION,
  services: NIPT_SERVICES,
  inputs: ['fetus-count', 'multiple-pregnancy'],
  category: 'nipt-caution',
  indicator: 'warning',
  hooks: BOTH_HOOKS,
  evaluate(input) {
    if (!input.facts.pregnancy.current) return NOT_PREGNANT;
    const ctx = pregnancyContext(input);
    const count = latestMeasurement(ctx, 'fetus-count', true, fetusCount);
    const coded = codedEvidence(ctx, 'multiple-pregnancy', true);
    const items: EvidenceItem[] = coded.hits.map((h) => evidenceItem(h.reference, { date: h.date, code: h.coding, text: h.text }));
    const countFires = count.kind === 'value' && count.value > 1;
    if (countFires)
      items.unshift(
        evidenceItem(count.evidence.reference, {
          date: count.evidence.date,
          code: count.evidence.resource.code?.coding?.[0],
          value: count.value,
        }),
      );
    if (items.length === 0) {
      return notFiredOrInsufficient([
        ...coded.unusable,
        ...(count.kind === 'unusable' ? [count.unusable] : count.kind === 'none' ? count.unusable : []),
      ]);
    }
    return niptFired('nipt-multiple-pregnancy', CLINICAL_CITATION, { ...(countFires ? { fetuses: count.value } : {}), items });
  },
};
