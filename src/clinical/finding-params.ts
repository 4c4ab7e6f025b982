/**
 * The `params` of each referral finding (card extension `org.prenatal-cds.findings[].params`).
 * Rules produce them; card and notice rendering (per locale) and auditors read them. Everything a
 * sentence about the finding needs is here, so rendering never re-reads the record.
 *
 * Strings marked "patient-derived" come from the record (display texts, free text) and must be
 * escaped by whoever renders them.
 */

/** A code as found in the record. `display` is patient-derived. */
export interface CodeRef {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
}

/** One piece of evidence behind a finding, in the order it should be shown (most relevant first). */
export interface EvidenceItem {
  /** `Type/id` of the resource. */
  readonly reference: string;
  /** Clinically relevant date of the evidence (effective/onset/recorded), FHIR date or dateTime. */
  readonly date?: string;
  readonly code?: CodeRef;
  /** Numeric value normalised to `unit` (e.g. AFI in cm), when the evidence is a measurement. */
  readonly value?: number;
  readonly unit?: string;
  /** Patient-derived free text (e.g. Condition.code.text, conclusion), if any. */
  readonly text?: string;
  /**
   * The fetus the evidence is about, when the record says (docs/rules.md#per-fetus): a designation
   * ("A", "2") or, without one, the focus as written (patient-derived).
   */
  readonly fetus?: string;
}

export interface AmaParams {
  /** Full years (周岁) at the reference date. */
  readonly ageYears: number;
  readonly threshold: number;
  readonly comparator: '>=' | '>';
  /** Which date the age was taken at: the best EDD, or today when no EDD (fallback). */
  readonly reference: 'edd' | 'today';
  readonly referenceDate: string;
  readonly birthDate: string;
  readonly items: readonly EvidenceItem[];
}

export interface AmnioticFluidParams {
  readonly kind: 'oligohydramnios' | 'polyhydramnios';
  /** What decided it: an AFI / DVP measurement against a threshold, or a coded finding. */
  readonly decidedBy: 'afi' | 'dvp' | 'coded';
  /** Threshold (cm) crossed, for `afi` / `dvp`. */
  readonly thresholdCm?: number;
  /** The abnormal AFI / DVP readings of this pregnancy, most recent first (absent when none). */
  readonly abnormal?: readonly AmnioticFluidReading[];
  /** Every AFI / DVP reading of this pregnancy, oldest first: the course (absent when none). */
  readonly course?: readonly AmnioticFluidReading[];
  readonly items: readonly EvidenceItem[];
}

/** One AFI or DVP reading (one fetus, one date) of the `amniotic-fluid` course. */
export interface AmnioticFluidReading {
  readonly measure: 'afi' | 'dvp';
  /** The value normalised to cm. */
  readonly valueCm: number;
  /** FHIR date or dateTime of the measurement. */
  readonly date?: string;
  /** The fetus, when the record says which (docs/rules.md#per-fetus; patient-derived). */
  readonly fetus?: string;
  /** Set when the reading is abnormal, with the threshold it reached. */
  readonly kind?: 'oligohydramnios' | 'polyhydramnios';
  readonly thresholdCm?: number;
  /** `Observation/<id>`. */
  readonly reference: string;
}

export interface FetalAnomalyParams {
  /**
   * Sources that contributed, e.g. ["condition", "nt"]: a fetal anomaly on a Condition, Observation
   * or DiagnosticReport, an NT at or above the threshold, or fetal growth restriction (`fgr`).
   */
  readonly sources: readonly ('condition' | 'observation' | 'report' | 'nt' | 'fgr')[];
  /** NT threshold (mm), present when `nt` contributed. */
  readonly ntThresholdMm?: number;
  readonly items: readonly EvidenceItem[];
}

export type TeratogenKind = 'drug' | 'radiation' | 'chemical' | 'infection' | 'medication';

/** One piece of evidence of `teratogen-exposure`, with why it counts (docs/rules.md#teratogen-exposure). */
export interface TeratogenExposureItem extends EvidenceItem {
  /**
   * `first-trimester`: dated (or taken) in LMP .. LMP + 13w6d; `coded-concern`: O35.5 / O35.6
   * recorded in this pregnancy, whatever its date; `washout`: a medication stopped before the LMP
   * within its washout. Absent in findings stored before it existed: read as `first-trimester`.
   */
  readonly basis?: 'first-trimester' | 'coded-concern' | 'washout';
  readonly kind?: TeratogenKind;
  /** `washout`: the last day of use as written, the washout (days), and how many days before the LMP use ended. */
  readonly stopped?: string;
  readonly washoutDays?: number;
  readonly daysBeforeLmp?: number;
}

export interface TeratogenExposureParams {
  readonly kinds: readonly TeratogenKind[];
  /** The first-trimester window used: LMP .. LMP + 13w6d (absent when the pregnancy is undated). */
  readonly windowStart?: string;
  readonly windowEnd?: string;
  readonly items: readonly TeratogenExposureItem[];
}

export interface FamilyHistoryParams {
  /** One per FamilyMemberHistory; relationship is the v3-RoleCode (display patient-derived). */
  readonly items: readonly (EvidenceItem & { readonly relationship?: CodeRef })[];
}

export interface ScreeningHighRiskParams {
  readonly decidedBy: 'interpretation' | 'cutoff';
  readonly test: 't21' | 't18' | 't13' | 'ntd' | 'nipt';
  /** N of the reported 1/N risk, when numeric. */
  readonly riskN?: number;
  /** N of the cut-off 1/N used, when decided by cutoff. */
  readonly cutoffN?: number;
  /** AFP MoM value, for NTD screening. */
  readonly mom?: number;
  /** Interpretation code that decided it (e.g. H, POS, high-risk). */
  readonly interpretation?: string;
  readonly items: readonly EvidenceItem[];
}

/** One abnormal prenatal-diagnosis report of `abnormal-result-notice` (docs/rules.md#abnormal-result-notice). */
export interface AbnormalResultItem extends EvidenceItem {
  /** `chromosomal`: the conclusion is in the chromosomal set; `structural`: another fetal anomaly. */
  readonly kind: 'chromosomal' | 'structural';
  /** `Organization/<id>` of the prenatal-diagnosis institution that issued the report. */
  readonly performer: string;
  /** Its name as recorded (patient-derived: record text). */
  readonly performerName?: string;
}

export interface AbnormalResultNoticeParams {
  readonly kinds: readonly ('chromosomal' | 'structural')[];
  /** The case goes to the medical ethics committee (GA on the issue day ≥ `ethicsReviewGaDays`). */
  readonly ethicsReview: boolean;
  readonly ethicsReviewGaDays: number;
  /** GA on the issue day (days), when known. */
  readonly gaDays?: number;
  /** Most recent first. */
  readonly items: readonly AbnormalResultItem[];
}

export interface ReferralParamsByRule {
  readonly ama: AmaParams;
  readonly 'amniotic-fluid': AmnioticFluidParams;
  readonly 'fetal-anomaly': FetalAnomalyParams;
  readonly 'teratogen-exposure': TeratogenExposureParams;
  readonly 'genetic-family-history': FamilyHistoryParams;
  readonly 'prior-affected-birth': FamilyHistoryParams;
  readonly 'screening-high-risk': ScreeningHighRiskParams;
  readonly 'abnormal-result-notice': AbnormalResultNoticeParams;
}

/** Facts about the current pregnancy, derived once per request, shown on card and notice. */
export interface PregnancyFacts {
  /** Whether the woman is currently pregnant (docs/rules.md#current-pregnancy), and the evidence for it. */
  readonly current: boolean;
  readonly currentEvidence: readonly string[];
  /** Best EDD (YYYY-MM-DD) and where it came from. */
  readonly edd?: {
    readonly date: string;
    readonly source: 'clinical' | 'ultrasound' | 'lmp-edd' | 'ovulation' | 'lmp' | 'ga';
    readonly reference: string;
  };
  /** LMP = EDD - 280 d (YYYY-MM-DD), the start of the current pregnancy's window. */
  readonly lmp?: string;
  /** Gestational age today in days, and as "w+d". */
  readonly gaDays?: number;
  readonly ga?: string;
  /** Stable key of this pregnancy for the audit trail: `Patient/<id>|<EDD>` or the episode. */
  readonly pregnancyKey?: string;
  /**
   * Set when the pregnancy should have ended (docs/rules.md#pregnancy-status-unclear): the best EDD is
   * more than `limitDays` (POSTTERM_MAX_DAYS) past and nothing records the end of the pregnancy.
   */
  readonly statusUnclear?: { readonly daysPastEdd: number; readonly limitDays: number };
}
