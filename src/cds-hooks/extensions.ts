/**
 * Card extension keys of this service (docs/design.md#card-extension; CDS Hooks 2.0 extensions,
 * https://cds-hooks.hl7.org/2.0/#extensions). An interface: EHRs, QC and acceptance checks read them.
 */

/** The machine-readable findings of a card: fired rules only. */
export const FINDINGS_EXTENSION = 'org.prenatal-cds.findings';
/** The rules that could not decide, on the one "could not decide" card of an answer. */
export const UNDECIDED_EXTENSION = 'org.prenatal-cds.undecided';
