import { csvList, toCsv } from '../csv/index.js';
import type { DataQualityCounts, DataQualityItem, DataQualityRow } from './data-quality.js';

/** The data-quality report as CSV documents (src/csv: RFC 4180, UTF-8 BOM, formula guard), as in JSON. */

export const ITEM_COLUMNS = [
  'kind',
  'receivedAt',
  'hookCall',
  'service',
  'institution',
  'practitioner',
  'patient',
  'rule',
  'ruleVersion',
  'reason',
  'evidence',
] as const;

export const DATA_QUALITY_ROW_COLUMNS = ['key', 'undecided', 'ruleErrors', 'calls'] as const;

/** The item list as CSV; `evidence` joined with `;`. */
export function itemsCsv(items: readonly DataQualityItem[]): string {
  return toCsv(
    ITEM_COLUMNS,
    items.map((i) => [
      i.kind,
      i.receivedAt,
      i.hookCall,
      i.service,
      i.institution,
      i.practitioner,
      i.patient,
      i.rule,
      i.ruleVersion,
      i.reason,
      csvList(i.evidence),
    ]),
  );
}

/** The grouped rows as CSV (the total as a last row with key `total`). */
export function dataQualityRowsCsv(rows: readonly DataQualityRow[], total: DataQualityCounts): string {
  return toCsv(
    DATA_QUALITY_ROW_COLUMNS,
    [...rows, { key: 'total', ...total }].map((r) => [r.key, r.undecided, r.ruleErrors, r.calls]),
  );
}
