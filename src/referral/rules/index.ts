import type { PregnancyFacts } from '../../clinical/finding-params.js';
import type { Rule } from '../../engine/rule.js';
import { abnormalResultNoticeRule } from './abnormal-result-notice.js';
import { amaRule } from './ama.js';
import { amnioticFluidRule } from './amniotic-fluid.js';
import { fetalAnomalyRule } from './fetal-anomaly.js';
import { geneticFamilyHistoryRule } from './genetic-family-history.js';
import { priorAffectedBirthRule } from './prior-affected-birth.js';
import { screeningHighRiskRule } from './screening-high-risk.js';
import { teratogenExposureRule } from './teratogen-exposure.js';

/** The referral rules (docs/rules.md#referral), in the order of REFERRAL_RULE_IDS. */
export const REFERRAL_RULES: readonly Rule<PregnancyFacts>[] = Object.freeze([
  amaRule,
  amnioticFluidRule,
  fetalAnomalyRule,
  teratogenExposureRule,
  geneticFamilyHistoryRule,
  priorAffectedBirthRule,
  screeningHighRiskRule,
  abnormalResultNoticeRule,
]);
