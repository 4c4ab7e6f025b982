/**
 * Rule ids — an interface (card extension `org.prenatal-cds.findings`, QC API, acceptance checks).
 * Each has its section in docs/rules.md; a catalogue test keeps this list, the rule files and the
 * README's rule table in sync.
 */
export const REFERRAL_RULE_IDS = [
  'ama',
  'amniotic-fluid',
  'fetal-anomaly',
  'teratogen-exposure',
  'genetic-family-history',
  'prior-affected-birth',
  'screening-high-risk',
  'abnormal-result-notice',
] as const;

export const NIPT_CATEGORY_IDS = ['nipt-not-applicable', 'nipt-caution', 'nipt-suitable'] as const;

export const NIPT_REASON_IDS = [
  'nipt-ga-too-early',
  'nipt-ga-too-late',
  'nipt-parental-chromosomal-abnormality',
  'nipt-recent-transfusion-transplant',
  'nipt-fetal-structural-anomaly',
  'nipt-monogenic-risk',
  'nipt-maternal-malignancy',
  'nipt-screening-high-risk',
  'nipt-ama',
  'nipt-severe-obesity',
  'nipt-ivf',
  'nipt-prior-chromosomal-child',
  'nipt-multiple-pregnancy',
  'nipt-intermediate-risk',
  'nipt-invasive-contraindication',
  'nipt-late-missed-screening',
  'nipt-ga-unknown',
  'nipt-institution-not-authorized',
  'nipt-consent-missing',
] as const;

export const ORDER_RULE_IDS = [
  'cert-missing',
  'cert-expired',
  'cert-training-overdue',
  'licence-missing',
  'licence-expired',
  'sex-determination-prohibited',
  'termination-reason-missing',
] as const;

export type ReferralRuleId = (typeof REFERRAL_RULE_IDS)[number];

/**
 * Referral rules whose finding calls for the Art. 25 written notice: what makes a pregnancy
 * "indicated" in QC (docs/design.md#case-status). `abnormal-result-notice` is the Art. 27 notice
 * after a diagnosis, a different obligation with its own template, not an Art. 24 indication.
 */
export const ART25_NOTICE_RULE_IDS: readonly ReferralRuleId[] = REFERRAL_RULE_IDS.filter((id) => id !== 'abnormal-result-notice');

export type NiptCategoryId = (typeof NIPT_CATEGORY_IDS)[number];
export type NiptReasonId = (typeof NIPT_REASON_IDS)[number];
export type OrderRuleId = (typeof ORDER_RULE_IDS)[number];
export type RuleId = ReferralRuleId | NiptCategoryId | NiptReasonId | OrderRuleId;

export const ALL_RULE_IDS: readonly RuleId[] = [...REFERRAL_RULE_IDS, ...NIPT_CATEGORY_IDS, ...NIPT_REASON_IDS, ...ORDER_RULE_IDS];
