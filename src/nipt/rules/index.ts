import type { NiptRule } from './common.js';
import { niptAmaRule } from './nipt-ama.js';
import { niptConsentMissingRule } from './nipt-consent-missing.js';
import { niptFetalStructuralAnomalyRule } from './nipt-fetal-structural-anomaly.js';
import { niptGaTooEarlyRule } from './nipt-ga-too-early.js';
import { niptGaTooLateRule } from './nipt-ga-too-late.js';
import { niptGaUnknownRule } from './nipt-ga-unknown.js';
import { niptInstitutionNotAuthorizedRule } from './nipt-institution-not-authorized.js';
import { niptIntermediateRiskRule } from './nipt-intermediate-risk.js';
import { niptInvasiveContraindicationRule } from './nipt-invasive-contraindication.js';
import { niptIvfRule } from './nipt-ivf.js';
import { niptLateMissedScreeningRule } from './nipt-late-missed-screening.js';
import { niptMaternalMalignancyRule } from './nipt-maternal-malignancy.js';
import { niptMonogenicRiskRule } from './nipt-monogenic-risk.js';
import { niptMultiplePregnancyRule } from './nipt-multiple-pregnancy.js';
import { niptParentalChromosomalAbnormalityRule } from './nipt-parental-chromosomal-abnormality.js';
import { niptPriorChromosomalChildRule } from './nipt-prior-chromosomal-child.js';
import { niptRecentTransfusionTransplantRule } from './nipt-recent-transfusion-transplant.js';
import { niptScreeningHighRiskRule } from './nipt-screening-high-risk.js';
import { niptSevereObesityRule } from './nipt-severe-obesity.js';

export type { NiptRule } from './common.js';

/** The NIPT reason rules (docs/rules.md#nipt), in the order of NIPT_REASON_IDS. */
export const NIPT_RULES: readonly NiptRule[] = Object.freeze([
  niptGaTooEarlyRule,
  niptGaTooLateRule,
  niptParentalChromosomalAbnormalityRule,
  niptRecentTransfusionTransplantRule,
  niptFetalStructuralAnomalyRule,
  niptMonogenicRiskRule,
  niptMaternalMalignancyRule,
  niptScreeningHighRiskRule,
  niptAmaRule,
  niptSevereObesityRule,
  niptIvfRule,
  niptPriorChromosomalChildRule,
  niptMultiplePregnancyRule,
  niptIntermediateRiskRule,
  niptInvasiveContraindicationRule,
  niptLateMissedScreeningRule,
  niptGaUnknownRule,
  niptInstitutionNotAuthorizedRule,
  niptConsentMissingRule,
]);
