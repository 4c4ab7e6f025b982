import { BOTH_HOOKS, CLINICAL_CITATION, NIPT_RULE_VERSION, NIPT_SERVICES, niptFired, type NiptRule } from './common.js';
import { DATING_INPUTS, gaParams, niptWindow } from './ga-params.js';

/**
 * `nipt-ga-too-early` — GA today < 12+0 (NIPT_GA_MIN_DAYS = 84): outside the NIPT window, NIPT not
 * applicable. ZJ-2023 Art.28; NIPT-2016 (适用孕周 12+0–22+6). GA = 280 − (best EDD − today)
 * (docs/rules.md#gestational-age). No GA: insufficient data (`nipt-ga-unknown` says so).
 */
export const niptGaTooEarlyRule: NiptRule = {
  id: 'nipt-ga-too-early',
  version: NIPT_RULE_VERSION,
  title: { 'zh-CN': '孕周小于12+0周', en: 'Gestational age below 12+0 weeks' },
  citation: CLINICAL_CITATION,
  services: NIPT_SERVICES,
  inputs: DATING_INPUTS,
  category: 'nipt-not-applicable',
  indicator: 'critical',
  hooks: BOTH_HOOKS,
  evaluate({ facts, policy }) {
    const ga = gaParams(facts.pregnancy);
    // No GA: nipt-ga-unknown fires and says so on the NIPT card; this window rule has nothing to add.
    if (!ga) return { status: 'not-applicable', reason: 'gestational age unknown (reported by nipt-ga-unknown)' };
    const w = niptWindow(policy);
    if (ga.gaDays >= w.minDays) return { status: 'not-fired' };
    return niptFired('nipt-ga-too-early', CLINICAL_CITATION, { ...ga, limitDays: w.minDays, limit: w.min });
  },
};
