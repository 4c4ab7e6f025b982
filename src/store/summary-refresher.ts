import type { Logger } from 'pino';
import type { SummarySettings } from '../qc/compliance-summary.js';
import type { ComplianceSummaryStore } from './compliance-summary.js';

/** How often a server folds the women written to into the compliance summary (docs/design.md#qc-summary). */
export const SUMMARY_REFRESH_MS = 5_000;
/** Most women one round folds in; a larger backlog (a migrated audit) drains over rounds a short pause apart. */
export const SUMMARY_ROUND_MAX = 2_000;
/** The pause between rounds while a backlog drains: the hook calls get the store in between. */
const DRAIN_PAUSE_MS = 50;

export interface SummaryRefresher {
  /** Stops scheduling rounds and waits for the one under way. */
  stop(): Promise<void>;
}

/**
 * The server's background refresh of the compliance summary (docs/design.md#qc-summary): every
 * SUMMARY_REFRESH_MS a round folds in up to SUMMARY_ROUND_MAX dirty women, `batch` per transaction,
 * without waiting for the lock (another replica folding them in is as good); a full round is followed
 * by the next after a short pause, so the backlog of a migrated audit drains without a report having
 * to. A failed round is logged (its code, no data) and the next one tries again.
 */
export function startSummaryRefresher(
  store: Pick<ComplianceSummaryStore, 'refreshSummary'>,
  settings: SummarySettings,
  opts: { logger: Logger; batch: number; intervalMs?: number },
): SummaryRefresher {
  const interval = opts.intervalMs ?? SUMMARY_REFRESH_MS;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let drained = 0;

  const round = async (): Promise<number> => {
    try {
      const women = await store.refreshSummary(settings, { maxWomen: SUMMARY_ROUND_MAX, batch: opts.batch, wait: false });
      drained += women;
      if (women < SUMMARY_ROUND_MAX && drained >= SUMMARY_ROUND_MAX) {
        opts.logger.info({ women: drained }, 'compliance summary caught up');
        drained = 0;
      }
      return women;
    } catch (err) {
      opts.logger.warn({ code: (err as { code?: string }).code ?? 'error' }, 'compliance summary refresh failed; retrying');
      return 0;
    }
  };
  const schedule = (ms: number): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round().then((women) => schedule(women >= SUMMARY_ROUND_MAX ? DRAIN_PAUSE_MS : interval));
    }, ms);
    timer.unref();
  };
  schedule(0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
