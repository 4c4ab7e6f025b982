import { displayWidth, padEndColumns, padStartColumns } from './display-width.js';

/**
 * Rows of cells as aligned text columns for a terminal (docs/design.md#cli-output): each column as
 * wide as its widest cell in display columns (汉字 count two), two spaces between columns, no
 * trailing spaces. The one table layout of the command line: compliance, registry and bulk-audit
 * reports.
 */
export function alignColumns(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number> = new Set()): string {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(0, ...rows.map((r) => displayWidth(r[i] ?? ''))));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (rightAligned.has(i) ? padStartColumns(cell, widths[i]!) : padEndColumns(cell, widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
