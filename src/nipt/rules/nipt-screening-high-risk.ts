import { BOTH_HOOKS, CLINICAL_CITATION, fromReferral, NIPT_RULE_VERSION, NIPT_SERVICES, type NiptRule } from './common.js';

/**
 * `nipt-screening-high-risk` — a high-risk serum / NT / NIPT screening result this pregnancy: NIPT
 * only with caution (prenatal diagnosis is indicated, ZJ-2023 Art.9, 23). ZJ-2023 Art.28; NIPT-2016
 * (慎用: 产前筛查高风险). Exactly the `screening-high-risk` referral evidence (the lab call —
 * docs/rules.md#lab-call — and the number, T21 ≥ 1/270, T18/T13 ≥ 1/350, AFP MoM ≥ 2.0, must agree;
 * NTD positive; a high-risk NIPT result), with `basedOn`; a call and a number that disagree are
 * insufficient-data ("lab call and value disagree").
 */
export const niptScreeningHighRiskRule: NiptRule = {
  id: 'nipt-screening-high-risk',
  version: NIPT_RULE_VERSION,
  title: { 'zh-CN': '产前筛查结果为高风险', en: 'High-risk prenatal screening result' },
  citation: CLINICAL_CITATION,
  services: NIPT_SERVICES,
  inputs: ['screening-t21', 'screening-t18', 'screening-t13', 'afp-mom', 'ntd-screening', 'screening-nipt', 'high-risk-interpretation'],
  category: 'nipt-caution',
  indicator: 'warning',
  hooks: BOTH_HOOKS,
  evaluate: (input) => fromReferral(input, 'screening-high-risk', 'nipt-screening-high-risk', CLINICAL_CITATION),
};
