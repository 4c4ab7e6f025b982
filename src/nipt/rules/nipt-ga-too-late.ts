import { BOTH_HOOKS, CLINICAL_CITATION, NIPT_RULE_VERSION, NIPT_SERVICES, niptFired, type NiptRule } from './common.js';
import { DATING_INPUTS, gaParams, niptWindow } from './ga-params.js';

/**
 * `nipt-ga-too-late` — GA today > 22+6 (NIPT_GA_MAX_DAYS = 160): outside the NIPT window, NIPT not
 * applicable. ZJ-2023 Art.28; NIPT-2016 (适用孕周 12+0–22+6). No GA: insufficient data.
 */
export const niptGaTooLateRule: NiptRule = {
  id: 'nipt-ga-too-late',
  version: NIPT_RULE_VERSION,
  title: { 'zh-CN': '孕周大于22+6周', en: 'Gestational age beyond 22+6 weeks' },
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
    if (ga.gaDays <= w.maxDays) return { status: 'not-fired' };
    return niptFired('nipt-ga-too-late', CLINICAL_CITATION, { ...ga, limitDays: w.maxDays, limit: w.max });
  },
};
