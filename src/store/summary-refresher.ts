import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { SummarySettings } from '../qc/compliance-summary.js';
import type { ComplianceSummaryStore, SummaryTransaction } from './compliance-summary.js';

/** How often a server folds the women written to into the compliance summary (docs/design.md#qc-summary). */
export const SUMMARY_REFRESH_MS = 5_000;
/** Most women one round folds in; a larger backlog (a migrated audit) drains over rounds a short pause apart. */
export const SUMMARY_ROUND_MAX = 2_000;
/** The pause between rounds while a backlog drains: the hook calls get the store in between. */
const DRAIN_PAUSE_MS = 50;
/** A round is put off while the event loop was busier than this since the last round ended: the hook calls come first. */
export const SUMMARY_BUSY_UTILIZATION = 0.5;
/** …but never longer than this after the last round. */
export const SUMMARY_MAX_DELAY_MS = 60_000;
/** A transaction that held the store this long is logged (warn): on the embedded store every hook call waited for it. */
export const SUMMARY_SLOW_TRANSACTION_MS = 1_000;

export interface SummaryRefresher {
  /** Stops scheduling rounds and waits for the one under way. */
  stop(): Promise<void>;
}

/**
 * The server's background refresh of the compliance summary (docs/design.md#qc-summary): every
 * SUMMARY_REFRESH_MS a round folds in up to SUMMARY_ROUND_MAX dirty women, `batch` per transaction,
 * without waiting for the lock (another replica folding them in is as good); a full round is followed
 * by the next after a short pause, so the backlog of a migrated audit drains without a report having
 * to. While the process is busy — its event loop more than SUMMARY_BUSY_UTILIZATION used since the
 * last round ended, i.e. by the hook calls — a round is put off, for at most SUMMARY_MAX_DELAY_MS: a
 * burst of calls is not slowed by the summary, and a report folds in what is left (or reads rows).
 * A failed round is logged (its code, no data) and the next one tries again; a transaction that held
 * the store SUMMARY_SLOW_TRANSACTION_MS or more is logged too (kind, women, ms), and every one goes to
 * `onTransaction` (the service's metrics). `utilization` (tests)
 * gives the share of the event loop used since the previous call.
 */
export function startSummaryRefresher(
  store: Pick<ComplianceSummaryStore, 'refreshSummary'>,
  settings: SummarySettings,
  opts: {
    logger: Logger;
    batch: number;
    intervalMs?: number;
    maxDelayMs?: number;
    utilization?: () => number;
    /** Each transaction of a round (the service's metrics). */
    onTransaction?: (t: SummaryTransaction) => void;
  },
): SummaryRefresher {
  const interval = opts.intervalMs ?? SUMMARY_REFRESH_MS;
  const maxDelay = opts.maxDelayMs ?? SUMMARY_MAX_DELAY_MS;
  const utilization = opts.utilization ?? eventLoopUtilization();
  let lastRound = performance.now();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let drained = 0;
  const onTransaction = (t: SummaryTransaction): void => {
    opts.onTransaction?.(t);
    if (t.ms >= SUMMARY_SLOW_TRANSACTION_MS)
      opts.logger.warn(
        { kind: t.kind, women: t.women, ms: Math.round(t.ms) },
        'compliance summary: one transaction held the store this long (on the embedded store, every hook call waited for it)',
      );
  };

  const round = async (): Promise<number> => {
    try {
      const women = await store.refreshSummary(settings, { maxWomen: SUMMARY_ROUND_MAX, batch: opts.batch, wait: false, onTransaction });
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
      if (utilization() > SUMMARY_BUSY_UTILIZATION && performance.now() - lastRound < maxDelay) return schedule(interval);
      running = round().then((women) => {
        lastRound = performance.now();
        utilization(); // what follows is measured from the end of this round, without its own work
        schedule(women >= SUMMARY_ROUND_MAX ? DRAIN_PAUSE_MS : interval);
      });
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

/** The share of the event loop used since the previous call (the first: since the function was made). */
function eventLoopUtilization(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const used = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    return used;
  };
}
