/**
 * Natural order of ids (docs/design.md#cli-output): digit runs compare as numbers, so `p-demo-2`
 * comes before `p-demo-10` and `Patient/9` before `Patient/10`. One collator for every list of
 * patients, pregnancies, institutions and holders the command line and the bulk audit print.
 * Ids that differ only in case or accents keep a fixed order (the collator's `variant`
 * sensitivity), and ties left by it fall back to code-unit order, so the sort is total.
 */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

export function compareIds(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The default locale's collator: the order `a.localeCompare(b)` gives, without finding a collator per comparison. */
const localeCollator = new Intl.Collator();

export function compareText(a: string, b: string): number {
  return localeCollator.compare(a, b);
}

/**
 * Code-unit order: for strings of one fixed ASCII shape (ISO days and instants, kinds), the order
 * `localeCompare` gives them too, at a fraction of the cost.
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
