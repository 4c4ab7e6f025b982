import type { Coding } from '@medplum/fhirtypes';
import type { EvidenceItem, FetalAnomalyParams } from '../../clinical/finding-params.js';
import { matcherFor } from '../../clinical/value-sets/matcher.js';
import type { RuleOutcome } from '../../engine/rule.js';
import { BOTH_HOOKS, CLINICAL_CITATION, fromReferral, NIPT_RULE_VERSION, NIPT_SERVICES, type NiptRule } from './common.js';

/**
 * `nipt-fetal-structural-anomaly` — a fetal structural anomaly on imaging (or NT ≥ NT_MM_MIN): NIPT
 * not applicable, prenatal diagnosis is. ZJ-2023 Art.28; NIPT-2016 (胎儿影像学检查怀疑胎儿有
 * 结构异常). The `fetal-anomaly` referral evidence (ZJ-2023 Art.24(2)) — fetal findings of this
 * pregnancy (docs/rules.md#fetal-finding), never the woman's own anomaly codes, or nuchal
 * translucency ≥ 3.0 mm — without fetal growth restriction, which is abnormal development but not a
 * structural anomaly; params and evidence are the referral finding's, with `basedOn`.
 */
export const niptFetalStructuralAnomalyRule: NiptRule = {
  id: 'nipt-fetal-structural-anomaly',
  version: NIPT_RULE_VERSION,
  title: { 'zh-CN': '胎儿影像学检查提示结构异常', en: 'Fetal structural anomaly on imaging' },
  citation: CLINICAL_CITATION,
  services: NIPT_SERVICES,
  inputs: ['fetal-anomaly', 'nuchal-translucency'],
  category: 'nipt-not-applicable',
  indicator: 'critical',
  hooks: BOTH_HOOKS,
  evaluate(input) {
    const outcome = fromReferral(input, 'fetal-anomaly', 'nipt-fetal-structural-anomaly', CLINICAL_CITATION);
    if (outcome.status !== 'fired') return outcome;
    const finding = outcome.findings[0]!;
    const params = finding.params as unknown as FetalAnomalyParams;
    if (!params.sources.includes('fgr')) return outcome;
    const matcher = matcherFor(input.policy);
    const isFgr = (i: EvidenceItem): boolean => i.code !== undefined && matcher.inValueSet('fetal-growth-restriction', i.code as Coding);
    const items = params.items.filter((i) => !isFgr(i));
    if (items.length === 0) return { status: 'not-fired' } satisfies RuleOutcome;
    const kept = new Set(items.map((i) => i.reference));
    return {
      status: 'fired',
      findings: [
        {
          ...finding,
          evidence: finding.evidence.filter((r) => kept.has(r)),
          params: { ...finding.params, sources: params.sources.filter((s) => s !== 'fgr'), items },
        },
      ],
    };
  },
};
