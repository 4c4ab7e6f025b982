import { BOTH_HOOKS, CLINICAL_CITATION, fromReferral, NIPT_RULE_VERSION, NIPT_SERVICES, type NiptRule } from './common.js';

/**
 * `nipt-fetal-structural-anomaly` — a fetal structural anomaly on imaging (or NT ≥ NT_MM_MIN): NIPT
 * not applicable, prenatal diagnosis is. ZJ-2023 Art.28; NIPT-2016 (胎儿影像学检查怀疑胎儿有
 * 结构异常). Exactly the `fetal-anomaly` referral evidence (ZJ-2023 Art.24(2)): coded fetal anomaly
 * of this pregnancy or nuchal translucency ≥ 3.0 mm; params and evidence are the referral
 * finding's, with `basedOn`.
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
  evaluate: (input) => fromReferral(input, 'fetal-anomaly', 'nipt-fetal-structural-anomaly', CLINICAL_CITATION),
};
