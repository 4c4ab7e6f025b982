/** How often one kind of repeated error is written to the log, ms (docs/design.md#logging). */
export const REPEATED_ERROR_LOG_INTERVAL_MS = 10_000;

/** Most kinds of error remembered at once (the table is bounded: the oldest kind is forgotten first). */
const MAX_KINDS = 256;

/** Whether to write this occurrence, and how many of the same kind were left out since the last line. */
export type DedupVerdict = { readonly log: true; readonly repeated: number } | { readonly log: false };

/**
 * Collapses repeated identical errors in the log: the first occurrence of a kind is written, then
 * at most one line per `intervalMs`, carrying in `repeated` how many were left out since the line
 * before. A failing disk or database then costs a few lines a minute, not one stack trace per
 * request. `kind` is a stable key built from codes (catalogue code, error class, driver code),
 * never from message text.
 */
export function createLogDedup(opts: { nowMs: () => number; intervalMs?: number }): (kind: string) => DedupVerdict {
  const intervalMs = opts.intervalMs ?? REPEATED_ERROR_LOG_INTERVAL_MS;
  const kinds = new Map<string, { loggedAt: number; repeated: number }>();
  return (kind) => {
    const now = opts.nowMs();
    const seen = kinds.get(kind);
    if (seen !== undefined && now - seen.loggedAt < intervalMs) {
      seen.repeated += 1;
      return { log: false };
    }
    const repeated = seen?.repeated ?? 0;
    kinds.delete(kind);
    if (kinds.size >= MAX_KINDS) kinds.delete(kinds.keys().next().value as string);
    kinds.set(kind, { loggedAt: now, repeated: 0 });
    return { log: true, repeated };
  };
}
