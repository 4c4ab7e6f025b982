import { serumScreeningResults } from '../readers/serum.js';
import { BOTH_HOOKS, CLINICAL_CITATION, NIPT_RULE_VERSION, NIPT_SERVICES, niptFired, pregnancyContext, type NiptRule } from './common.js';
import { gaParams } from './ga-params.js';

/**
 * `nipt-late-missed-screening` — GA ≥ 21+0 (NIPT_LATE_SCREENING_DAYS = 147) and no serum screening
 * result this pregnancy: past the serum screening window, NIPT is the suitable option. ZJ-2023
 * Art.28; NIPT-2016 (适用: 错过血清学筛查最佳时间). "Screened" = any usable T21/T18/T13 risk or
 * AFP MoM Observation of this pregnancy with a value or an interpretation. No GA: insufficient data.
 */
export const niptLateMissedScreeningRule: NiptRule = {
  id: 'nipt-late-missed-screening',
  version: NIPT_RULE_VERSION,
  title: { 'zh-CN': '错过血清学筛查最佳时间', en: 'Missed the serum screening window' },
  citation: CLINICAL_CITATION,
  services: NIPT_SERVICES,
  inputs: [
    'edd-clinical',
    'edd-ultrasound',
    'edd-lmp',
    'lmp',
    'gestational-age',
    'screening-t21',
    'screening-t18',
    'screening-t13',
    'afp-mom',
  ],
  category: 'nipt-suitable',
  indicator: 'info',
  hooks: BOTH_HOOKS,
  evaluate(input) {
    const ga = gaParams(input.facts.pregnancy);
    // No GA: nipt-ga-unknown fires and says so on the NIPT card; this window rule has nothing to add.
    if (!ga) return { status: 'not-applicable', reason: 'gestational age unknown (reported by nipt-ga-unknown)' };
    const from = input.policy.NIPT_LATE_SCREENING_DAYS;
    if (ga.gaDays < from) return { status: 'not-fired' };
    if (serumScreeningResults(pregnancyContext(input)).length > 0) return { status: 'not-fired' };
    return niptFired('nipt-late-missed-screening', CLINICAL_CITATION, { ...ga, fromDays: from });
  },
};
