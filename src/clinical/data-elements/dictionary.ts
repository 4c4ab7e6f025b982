/**
 * The data-element dictionary: each element a rule may ask for, its value set (catalogue id) and how
 * it is read. Rules name elements in `inputs`, never raw codes. `scope`:
 * - `pregnancy`: pregnancy-specific — evidence dated before the current pregnancy's LMP is ignored;
 * - `history`: history items (family history, prior affected birth) — any date;
 * - `dating`: used to find the pregnancy itself (EDD, LMP, GA, pregnancy status).
 */
export interface DataElement {
  readonly id: string;
  readonly valueSet: string;
  readonly scope: 'pregnancy' | 'history' | 'dating' | 'demographic';
  /** Where and how it is read. */
  readonly read:
    | 'patient-birth-date'
    | 'observation-date-value'
    | 'observation-quantity'
    | 'observation-risk'
    | 'observation-interpretation'
    | 'coded-finding'
    | 'fetal-finding'
    | 'family-history-condition'
    | 'family-history-relationship'
    | 'medication'
    | 'episode-type';
  /** Normalised unit of a quantity element. */
  readonly unit?: 'cm' | 'mm' | 'd' | '1/N' | 'MoM';
}

const E = (id: string, read: DataElement['read'], scope: DataElement['scope'], unit?: DataElement['unit'], valueSet = id): DataElement =>
  unit ? { id, valueSet, read, scope, unit } : { id, valueSet, read, scope };

const LIST: readonly DataElement[] = [
  E('birth-date', 'patient-birth-date', 'demographic', undefined, ''),
  E('edd-clinical', 'observation-date-value', 'dating'),
  E('edd-ultrasound', 'observation-date-value', 'dating'),
  E('edd-lmp', 'observation-date-value', 'dating'),
  E('edd-ovulation', 'observation-date-value', 'dating'),
  E('lmp', 'observation-date-value', 'dating'),
  E('gestational-age', 'observation-quantity', 'dating', 'd'),
  E('pregnancy-status', 'observation-interpretation', 'dating'),
  E('pregnancy-condition', 'coded-finding', 'dating'),
  E('pregnancy-episode', 'episode-type', 'dating'),
  E('pregnancy-end', 'coded-finding', 'dating'),
  E('afi', 'observation-quantity', 'pregnancy', 'cm'),
  E('dvp', 'observation-quantity', 'pregnancy', 'cm'),
  E('oligohydramnios', 'coded-finding', 'pregnancy'),
  E('polyhydramnios', 'coded-finding', 'pregnancy'),
  // Fetal findings only: coded evidence the record says is about the fetus (./fetal-finding.ts).
  E('fetal-anomaly', 'fetal-finding', 'pregnancy'),
  E('fetal-growth-restriction', 'fetal-finding', 'pregnancy'),
  E('nuchal-translucency', 'observation-quantity', 'pregnancy', 'mm'),
  E('suspected-fetal-damage', 'coded-finding', 'pregnancy'),
  E('teratogen-exposure-condition', 'coded-finding', 'pregnancy'),
  E('teratogen-medication', 'medication', 'pregnancy'),
  E('genetic-condition', 'family-history-condition', 'history'),
  E('neural-tube-defect', 'family-history-condition', 'history'),
  E('first-degree-relative', 'family-history-relationship', 'history'),
  E('congenital-or-chromosomal', 'family-history-condition', 'history'),
  E('child-relationship', 'family-history-relationship', 'history'),
  E('prior-birth-defect', 'coded-finding', 'history'),
  E('screening-t21', 'observation-risk', 'pregnancy', '1/N'),
  E('screening-t18', 'observation-risk', 'pregnancy', '1/N'),
  E('screening-t13', 'observation-risk', 'pregnancy', '1/N'),
  E('screening-nipt', 'observation-interpretation', 'pregnancy'),
  E('afp-mom', 'observation-quantity', 'pregnancy', 'MoM'),
  E('ntd-screening', 'observation-interpretation', 'pregnancy'),
  E('high-risk-interpretation', 'observation-interpretation', 'pregnancy'),
];

export const DATA_ELEMENTS: Readonly<Record<string, DataElement>> = Object.freeze(Object.fromEntries(LIST.map((e) => [e.id, e])));
