/**
 * The one list separator of every CSV the service writes (docs/design.md#cli-output): a cell
 * holding several values — rule ids, evidence references, techniques — joins them with `;`, the
 * separator the registry import reads (src/registry/CSV.md). A value never contains `;` (ids,
 * references and codes).
 */
export const CSV_LIST_SEPARATOR = ';';

/** Several values as one CSV cell. */
export function csvList(values: readonly string[]): string {
  return values.join(CSV_LIST_SEPARATOR);
}
