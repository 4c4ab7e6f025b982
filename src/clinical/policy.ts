import { z } from 'zod';
import { DEFAULT_REGISTRY_IDENTIFIERS, registryIdentifiersSchema } from './registry-identifiers.js';

/**
 * Policy: the rule parameters (docs/rules.md) with their defaults, overridable by `POLICY_FILE` (JSON).
 * Validated strictly (an unknown key is a typo, and a typo in clinical policy must stop the start).
 * Also carries the hospital's local codes (appended to the shipped value sets — configuration,
 * not code) and the institutions the written notice names.
 */
const coding = z.strictObject({ system: z.string().min(1), code: z.string().min(1), display: z.string().optional() });

const institution = z.strictObject({
  /** Organization id (without `Organization/`), when known. */
  id: z.string().optional(),
  name: z.string().min(1),
  address: z.string().optional(),
  phone: z.string().optional(),
});

export const policySchema = z.strictObject({
  /** ZJ-2023 Art.24(5): age threshold in full years (周岁). */
  AMA_AGE_YEARS: z.number().int().min(18).max(60).default(35),
  /** `>=` (clinical practice, NIPT-2016, ICD-10-CM O09.5) or `>` (the law's 「超过」). */
  AMA_COMPARATOR: z.enum(['>=', '>']).default('>='),
  /** Age at the best EDD, or today's age. */
  AMA_REFERENCE: z.enum(['edd', 'today']).default('edd'),
  /** Amniotic fluid index (cm): oligohydramnios at or below, polyhydramnios at or above. */
  AFI_LOW_CM: z.number().positive().default(5),
  AFI_HIGH_CM: z.number().positive().default(25),
  /** Deepest vertical pocket (cm). */
  DVP_LOW_CM: z.number().positive().default(2),
  DVP_HIGH_CM: z.number().positive().default(8),
  /** Nuchal translucency (mm) at or above which `fetal-anomaly` fires. */
  NT_MM_MIN: z.number().positive().default(3.0),
  /**
   * Whether fetal growth restriction (ICD-10 O36.5, SNOMED 22033007) about the fetus counts as
   * abnormal fetal development for `fetal-anomaly` (ZJ-2023 Art.24(2) 胎儿发育异常; docs/rules.md#fetal-anomaly).
   */
  FGR_IS_ANOMALY: z.boolean().default(true),
  /** First-trimester window for teratogen exposure: LMP .. LMP + this many days (13w6d = 97). */
  FIRST_TRIMESTER_LAST_DAY: z.number().int().positive().default(97),
  /**
   * Washout before the LMP (days) by ATC code: a teratogen medication stopped before the LMP still
   * counts when it was stopped at most this many days before it (docs/rules.md#teratogen-exposure).
   * A policy file that sets the map replaces it whole.
   */
  TERATOGEN_WASHOUT_DAYS: z
    .record(z.string().regex(/^[A-Z]\d{2}[A-Z]{2}\d{2}$/, 'an ATC code such as D10BA01'), z.number().int().nonnegative())
    .default({
      D10BA01: 30, // isotretinoin: 1 month
      D05BB02: 1095, // acitretin: 3 years
      L04AA13: 730, // leflunomide: 2 years
      L04AA06: 42, // mycophenolic acid (mycophenolate mofetil): 6 weeks
      L01BA01: 90, // methotrexate: 3 months
      L04AX03: 90, // methotrexate (immunosuppressant ATC code)
    }),
  /** Screening cut-offs as N of a 1/N risk: high risk when risk >= 1/N. */
  SERUM_T21_CUTOFF: z.number().positive().default(270),
  SERUM_T18_CUTOFF: z.number().positive().default(350),
  SERUM_T13_CUTOFF: z.number().positive().default(350),
  NTD_AFP_MOM_MIN: z.number().positive().default(2.0),
  /** Intermediate-risk upper bound (1/N) for the NIPT pathway. */
  NIPT_INTERMEDIATE_LOWER: z.number().positive().default(1000),
  /** NIPT gestational window, days of GA (12+0 = 84, 22+6 = 160). */
  NIPT_GA_MIN_DAYS: z.number().int().positive().default(84),
  NIPT_GA_MAX_DAYS: z.number().int().positive().default(160),
  /** GA (days) from which a missed serum screening makes NIPT the remaining option (21+0 = 147). */
  NIPT_LATE_SCREENING_DAYS: z.number().int().positive().default(147),
  NIPT_BMI_MAX: z.number().positive().default(40),
  NIPT_TRANSFUSION_DAYS: z.number().int().positive().default(365),
  /** ZJ-2023 Art.19: training at least every N years. */
  CERT_TRAINING_YEARS: z.number().int().positive().default(2),
  /** Optional stricter interval for prenatal-screening staff. */
  CERT_TRAINING_YEARS_SCREENING: z.number().int().positive().optional(),
  /** ZJ-2023 Art.13: licence verification every N years. */
  LICENCE_VERIFICATION_YEARS: z.number().int().positive().default(3),
  /** Days a certificate/licence counts as "expiring soon" in the registry report. */
  EXPIRING_WITHIN_DAYS: z.number().int().positive().default(90),
  /**
   * Current-pregnancy window on the best EDD: [today - before, today + after]. An EDD further back
   * is an earlier pregnancy's (docs/rules.md#current-pregnancy).
   */
  PREGNANCY_EDD_DAYS_BEFORE: z.number().int().nonnegative().default(42),
  PREGNANCY_EDD_DAYS_AFTER: z.number().int().positive().default(300),
  /**
   * Days past the best EDD (14 = GA 42+0) beyond which a pregnancy with no delivery / pregnancy-end
   * record has an unclear status (docs/rules.md#pregnancy-status-unclear). Takes effect up to
   * PREGNANCY_EDD_DAYS_BEFORE.
   */
  POSTTERM_MAX_DAYS: z.number().int().nonnegative().default(14),
  /**
   * QC pregnancy identity (docs/design.md#pregnancy-identity): a call's best EDD at most this many
   * days from the latest EDD of the woman's open pregnancy is the same pregnancy (a revised EDD).
   */
  PREGNANCY_EDD_TOLERANCE_DAYS: z.number().int().nonnegative().default(28),
  /**
   * QC follow-up (docs/design.md#follow-up): prenatal diagnosis of an indicated or high-risk NIPT
   * pregnancy is due this many days after the indication, or by GA 24+0 when that comes earlier.
   */
  FOLLOW_UP_DIAGNOSIS_DAYS: z.number().int().positive().default(28),
  /**
   * ZJ-2023 Art.27: GA (days) from which the Art. 27 notice of an abnormal prenatal-diagnosis result
   * says the case goes to the medical ethics committee (28+0 = 196; docs/rules.md#abnormal-result-notice).
   */
  ART27_ETHICS_REVIEW_GA_DAYS: z.number().int().positive().default(196),
  /**
   * Usual windows of invasive prenatal diagnosis, days of GA, for the written notice's timing
   * paragraph (docs/design.md#written-notice): chorionic villus sampling 11+0..13+6, amniocentesis
   * 16+0..22+6, cordocentesis from 18+0 (no upper bound: `toDays` absent).
   */
  PROCEDURE_WINDOWS: z
    .strictObject({
      cvs: z.strictObject({ fromDays: z.number().int().nonnegative(), toDays: z.number().int().positive().optional() }),
      amniocentesis: z.strictObject({ fromDays: z.number().int().nonnegative(), toDays: z.number().int().positive().optional() }),
      cordocentesis: z.strictObject({ fromDays: z.number().int().nonnegative(), toDays: z.number().int().positive().optional() }),
    })
    .refine((w) => Object.values(w).every((x) => x.toDays === undefined || x.toDays >= x.fromDays), {
      message: 'a procedure window ends before it starts',
    })
    .default({ cvs: { fromDays: 77, toDays: 97 }, amniocentesis: { fromDays: 112, toDays: 160 }, cordocentesis: { fromDays: 126 } }),
  /** ZJ-2023 Art.31: GA (days) from which a termination order needs a documented medical reason (14+0 = 98). */
  TERMINATION_CHECK_GA_DAYS: z.number().int().positive().default(98),
  /** Days a pregnancy-status observation counts as current. */
  PREGNANCY_STATUS_DAYS: z.number().int().positive().default(300),
  /** Which source the order checks trust first. */
  CERTIFICATE_SOURCE_ORDER: z
    .array(z.enum(['registry', 'ehr']))
    .min(1)
    .default(['registry', 'ehr']),
  /**
   * Code-system URIs under which the EHR sends ICD-10 codes (docs/rules.md#value-sets): codes under
   * any of them match the ICD-10 entries of the value sets (by prefix, without the dot, any case).
   * `http://hl7.org/fhir/sid/icd-10` is always one of them.
   */
  ICD10_SYSTEMS: z.array(z.string().min(1)).min(1).default(['http://hl7.org/fhir/sid/icd-10', 'http://hl7.org/fhir/sid/icd-10-cn']),
  /**
   * Identifier systems by which the registry knows practitioners and organizations, by kind
   * (src/clinical/registry-identifiers.ts, src/registry/CSV.md#matching). A policy file that sets a
   * holder's map replaces it whole.
   */
  registryIdentifiers: registryIdentifiersSchema.default(DEFAULT_REGISTRY_IDENTIFIERS),
  /** Local codes appended to the shipped value sets, by value-set / data-element id (ICD-10 codes match as prefixes). */
  localCodes: z.record(z.string(), z.array(coding)).default({}),
  /** The institution issuing the notice (the one running the service). */
  institution: institution.default({ name: '（本机构）' }),
  /** The partner prenatal-diagnosis institution the notice sends the woman to (Art. 24, 25). */
  referralInstitution: institution.default({ name: '（合作产前诊断机构）' }),
});

export type Policy = z.infer<typeof policySchema>;
export type PolicyOverrides = z.input<typeof policySchema>;

/** Parses policy overrides; throws a ZodError naming the bad key. */
export function parsePolicy(input: unknown): Policy {
  const p = policySchema.parse(input ?? {});
  return Object.freeze(p);
}

export const DEFAULT_POLICY: Policy = parsePolicy({});
