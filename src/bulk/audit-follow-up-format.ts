import { followUpRowsCsv, niptCsv, undiagnosedCsv } from '../qc/follow-up-csv.js';
import type { FollowUpReport, FollowUpSection } from '../qc/follow-up-types.js';

/**
 * The bulk audit's follow-up funnel as CSV — one section, with the columns and the `;` list
 * separator of `GET /qc/follow-up?format=csv` (the same writers, src/qc/follow-up-csv.ts); its
 * terminal text is the CLI's own (src/qc/follow-up-table.ts, docs/design.md#follow-up).
 */
export function bulkFollowUpCsv(f: FollowUpReport, section: FollowUpSection): string {
  if (section === 'undiagnosed') return undiagnosedCsv(f.undiagnosed);
  if (section === 'nipt') return niptCsv(f.nipt);
  return followUpRowsCsv(f.rows, f.total);
}
