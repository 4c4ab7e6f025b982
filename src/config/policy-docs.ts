/**
 * What each `POLICY_FILE` parameter means (docs/policy.md#parameters): unit, the article it
 * implements, and the rules or parts of the service that read it (anchors of docs/rules.md or
 * docs/design.md). The defaults are not repeated here: they come from the policy schema
 * (src/clinical/policy.ts). `npm run policy:schema` puts these texts into docs/policy.schema.json
 * and the parameter table of docs/policy.md; a test fails when a parameter has no entry.
 */
export interface PolicyParameterDoc {
  /** One sentence: what the parameter decides. */
  readonly description: string;
  /** Unit of a number (`years`, `days`, `cm`, `mm`, `MoM`, `N of 1/N`, `kg/m²`), if any. */
  readonly unit?: string;
  /** The article(s) behind it, as the rules cite them. */
  readonly article?: string;
  /** Who reads it: `rules.md#ama`, `design.md#written-notice`, … */
  readonly usedBy: readonly string[];
}

const ART24_5 = 'ZJ-2023 Art.24(5); PDM Art.17(5)';
const ART24_1 = 'ZJ-2023 Art.24(1); PDM Art.17(1)';
const SCREENING = 'ZJ-2023 Art.9, 23; PDM Art.16';
const NIPT = 'ZJ-2023 Art.28, 29; NIPT-2016';

export const POLICY_PARAMETER_DOCS: Readonly<Record<string, PolicyParameterDoc>> = {
  AMA_AGE_YEARS: {
    description: 'Advanced maternal age: age in full years (周岁) at or above which (see AMA_COMPARATOR) the referral is indicated.',
    unit: 'years',
    article: ART24_5,
    usedBy: ['rules.md#ama', 'rules.md#nipt-ama'],
  },
  AMA_COMPARATOR: {
    description: "`>=` (clinical practice, NIPT-2016, ICD-10 O09.5) or `>` (the law's literal 「超过」35周岁).",
    article: ART24_5,
    usedBy: ['rules.md#ama', 'rules.md#nipt-ama'],
  },
  AMA_REFERENCE: {
    description: 'The day the age is taken on: the best EDD (`edd`) or today (`today`).',
    article: ART24_5,
    usedBy: ['rules.md#ama', 'rules.md#nipt-ama'],
  },
  AFI_LOW_CM: {
    description: 'Amniotic fluid index at or below which oligohydramnios (羊水过少) is indicated.',
    unit: 'cm',
    article: ART24_1,
    usedBy: ['rules.md#amniotic-fluid'],
  },
  AFI_HIGH_CM: {
    description: 'Amniotic fluid index at or above which polyhydramnios (羊水过多) is indicated.',
    unit: 'cm',
    article: ART24_1,
    usedBy: ['rules.md#amniotic-fluid'],
  },
  DVP_LOW_CM: {
    description: 'Deepest vertical pocket at or below which oligohydramnios is indicated.',
    unit: 'cm',
    article: ART24_1,
    usedBy: ['rules.md#amniotic-fluid'],
  },
  DVP_HIGH_CM: {
    description: 'Deepest vertical pocket at or above which polyhydramnios is indicated.',
    unit: 'cm',
    article: ART24_1,
    usedBy: ['rules.md#amniotic-fluid'],
  },
  NT_MM_MIN: {
    description: 'Nuchal translucency at or above which abnormal fetal development is indicated.',
    unit: 'mm',
    article: 'ZJ-2023 Art.24(2); PDM Art.17(2)',
    usedBy: ['rules.md#fetal-anomaly', 'rules.md#nipt-fetal-structural-anomaly'],
  },
  FGR_IS_ANOMALY: {
    description: 'Whether fetal growth restriction (ICD-10 O36.5) counts as abnormal fetal development (胎儿发育异常).',
    article: 'ZJ-2023 Art.24(2); PDM Art.17(2)',
    usedBy: ['rules.md#fetal-anomaly'],
  },
  FIRST_TRIMESTER_LAST_DAY: {
    description: 'Last day of early pregnancy for teratogen exposure, counted from the LMP (97 = 13+6).',
    unit: 'days',
    article: 'ZJ-2023 Art.24(3); PDM Art.17(3)',
    usedBy: ['rules.md#teratogen-exposure'],
  },
  TERATOGEN_WASHOUT_DAYS: {
    description:
      'Washout by ATC code: a teratogen stopped at most this many days before the LMP still counts. Setting it replaces the whole map.',
    unit: 'days',
    article: 'ZJ-2023 Art.24(3); PDM Art.17(3)',
    usedBy: ['rules.md#teratogen-exposure'],
  },
  SERUM_T21_CUTOFF: {
    description: 'Trisomy 21 screening cut-off: high risk when the risk is 1/N or higher.',
    unit: 'N of 1/N',
    article: SCREENING,
    usedBy: ['rules.md#screening-high-risk', 'rules.md#nipt-intermediate-risk'],
  },
  SERUM_T18_CUTOFF: {
    description: 'Trisomy 18 screening cut-off: high risk when the risk is 1/N or higher.',
    unit: 'N of 1/N',
    article: SCREENING,
    usedBy: ['rules.md#screening-high-risk'],
  },
  SERUM_T13_CUTOFF: {
    description: 'Trisomy 13 screening cut-off: high risk when the risk is 1/N or higher.',
    unit: 'N of 1/N',
    article: SCREENING,
    usedBy: ['rules.md#screening-high-risk'],
  },
  NTD_AFP_MOM_MIN: {
    description: 'Open neural-tube defect screening: high risk when maternal serum AFP is at or above this many MoM.',
    unit: 'MoM',
    article: SCREENING,
    usedBy: ['rules.md#screening-high-risk'],
  },
  NIPT_INTERMEDIATE_LOWER: {
    description: 'Lower bound of intermediate risk for the NIPT pathway: a risk between 1/N and the T21 cut-off is intermediate.',
    unit: 'N of 1/N',
    article: NIPT,
    usedBy: ['rules.md#nipt-intermediate-risk'],
  },
  NIPT_GA_MIN_DAYS: {
    description: 'Earliest gestational age for NIPT (84 = 12+0).',
    unit: 'days of GA',
    article: NIPT,
    usedBy: ['rules.md#nipt-ga-too-early', 'rules.md#nipt-advice'],
  },
  NIPT_GA_MAX_DAYS: {
    description: 'Latest gestational age for NIPT (160 = 22+6).',
    unit: 'days of GA',
    article: NIPT,
    usedBy: ['rules.md#nipt-ga-too-late', 'rules.md#nipt-advice'],
  },
  NIPT_LATE_SCREENING_DAYS: {
    description: 'Gestational age from which a missed serum screening leaves NIPT as the remaining screening (147 = 21+0).',
    unit: 'days of GA',
    article: NIPT,
    usedBy: ['rules.md#nipt-late-missed-screening'],
  },
  NIPT_BMI_MAX: {
    description: 'Body mass index above which NIPT is used with caution (severe obesity).',
    unit: 'kg/m²',
    article: NIPT,
    usedBy: ['rules.md#nipt-severe-obesity'],
  },
  NIPT_TRANSFUSION_DAYS: {
    description: 'Days after an allogeneic transfusion, transplant or cell therapy during which NIPT is not applicable.',
    unit: 'days',
    article: NIPT,
    usedBy: ['rules.md#nipt-recent-transfusion-transplant', 'rules.md#nipt-advice'],
  },
  CERT_TRAINING_YEARS: {
    description: 'Staff training at least every N years.',
    unit: 'years',
    article: 'ZJ-2023 Art.19',
    usedBy: ['rules.md#cert-training-overdue', 'design.md#qc'],
  },
  CERT_TRAINING_YEARS_SCREENING: {
    description: 'Optional stricter training interval for prenatal-screening staff; unset, CERT_TRAINING_YEARS applies.',
    unit: 'years',
    article: 'ZJ-2023 Art.19',
    usedBy: ['rules.md#cert-training-overdue'],
  },
  LICENCE_VERIFICATION_YEARS: {
    description: "The institution's licence is verified every N years.",
    unit: 'years',
    article: 'ZJ-2023 Art.13',
    usedBy: ['rules.md#licence-expired', 'design.md#qc'],
  },
  EXPIRING_WITHIN_DAYS: {
    description: 'A certificate or licence expiring within this many days is listed as expiring in the registry report.',
    unit: 'days',
    article: 'ZJ-2023 Art.6, 39',
    usedBy: ['design.md#qc'],
  },
  PREGNANCY_EDD_DAYS_BEFORE: {
    description: 'Current-pregnancy window: a best EDD at most this many days before today is still the current pregnancy.',
    unit: 'days',
    usedBy: ['rules.md#current-pregnancy'],
  },
  PREGNANCY_EDD_DAYS_AFTER: {
    description: 'Current-pregnancy window: a best EDD at most this many days after today is the current pregnancy.',
    unit: 'days',
    usedBy: ['rules.md#current-pregnancy'],
  },
  POSTTERM_MAX_DAYS: {
    description: 'Days past the best EDD (14 = GA 42+0) after which a pregnancy with no delivery record has an unclear status.',
    unit: 'days',
    usedBy: ['rules.md#pregnancy-status-unclear'],
  },
  PREGNANCY_EDD_TOLERANCE_DAYS: {
    description:
      "QC pregnancy identity: a call's best EDD at most this many days from the open pregnancy's latest EDD is the same pregnancy.",
    unit: 'days',
    usedBy: ['design.md#pregnancy-identity'],
  },
  FOLLOW_UP_DIAGNOSIS_DAYS: {
    description:
      'QC follow-up: prenatal diagnosis of an indicated (or high-risk NIPT) pregnancy is due this many days after the indication, or by GA 24+0 when that is earlier.',
    unit: 'days',
    article: 'ZJ-2023 Art.9, Art.23',
    usedBy: ['design.md#follow-up'],
  },
  ART27_ETHICS_REVIEW_GA_DAYS: {
    description: 'Gestational age from which the Art. 27 notice says the case goes to the medical ethics committee (196 = 28+0).',
    unit: 'days of GA',
    article: 'ZJ-2023 Art.27',
    usedBy: ['rules.md#abnormal-result-notice'],
  },
  PROCEDURE_WINDOWS: {
    description:
      "Usual windows of invasive prenatal diagnosis for the written notice's timing paragraph: cvs, amniocentesis, cordocentesis, each `fromDays` and optional `toDays`.",
    unit: 'days of GA',
    article: 'ZJ-2023 Art.25',
    usedBy: ['design.md#written-notice'],
  },
  TERMINATION_CHECK_GA_DAYS: {
    description: 'Gestational age from which a termination order needs a documented medical reason (98 = 14+0).',
    unit: 'days of GA',
    article: 'ZJ-2023 Art.31',
    usedBy: ['rules.md#termination-reason-missing'],
  },
  PREGNANCY_STATUS_DAYS: {
    description: 'Days a pregnancy-status observation counts as current.',
    unit: 'days',
    usedBy: ['rules.md#current-pregnancy', 'rules.md#pregnancy-scope'],
  },
  CERTIFICATE_SOURCE_ORDER: {
    description: 'Which source of certificates and licences the order checks trust first: the provincial registry or the EHR.',
    article: 'ZJ-2023 Art.10-19',
    usedBy: ['rules.md#orders', 'rules.md#nipt'],
  },
  ICD10_SYSTEMS: {
    description: 'Code-system URIs under which the EHR sends ICD-10 codes; `http://hl7.org/fhir/sid/icd-10` is always one of them.',
    usedBy: ['rules.md#value-sets'],
  },
  registryIdentifiers: {
    description:
      'Identifier systems by which the registry knows practitioners and organizations, by kind. Setting a holder replaces its whole map.',
    usedBy: ['rules.md#registry-matching'],
  },
  localCodes: {
    description: "The hospital's local codes, appended to the shipped value sets, by value-set id (ICD-10 codes match as prefixes).",
    usedBy: ['rules.md#value-sets'],
  },
  institution: {
    description: 'The institution issuing the written notice (the one running the service): name, and optionally id, address, phone.',
    article: 'ZJ-2023 Art.25',
    usedBy: ['design.md#written-notice'],
  },
  referralInstitution: {
    description: 'The partner prenatal-diagnosis institution the notice sends the woman to: name, and optionally id, address, phone.',
    article: 'ZJ-2023 Art.24, 25',
    usedBy: ['design.md#written-notice'],
  },
};
