import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { AppError } from '../../src/errors/app-error.js';
import { createAuditStore } from '../../src/store/audit-store.js';
import { sqlComplianceSummary, type SummaryTransaction } from '../../src/store/compliance-summary.js';
import { migrate } from '../../src/store/migrate.js';
import { createPgliteSql, MEMORY_DATA_DIR } from '../../src/store/pglite-sql.js';
import { startSummaryRefresher, SUMMARY_ROUND_MAX, SUMMARY_SLOW_TRANSACTION_MS } from '../../src/store/summary-refresher.js';
import { generateProvince } from '../bench/lib/qc-scale-data.js';
import { hookCall, PROVINCE_YEAR_REPORT } from './audit-fixtures.js';

/**
 * The server's background refresh of the compliance summary (docs/design.md#qc-summary): it drains
 * the backlog of an audit that was never summarised, then folds in each new write; a full round is
 * followed at once by the next, a short one waits for the interval; a round is put off while the
 * event loop is busy, up to a maximum delay; a failed round is logged by its code and retried; `stop` waits for the round under way and schedules no more.
 */
function logLines(): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const out: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out.push(
        ...chunk
          .toString('utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      );
      done();
    },
  });
  return { logger: createLogger({ logLevel: 'debug' }, sink), lines: () => out };
}

const within = { timeout: 60_000, interval: 25 };

/** `fn`'s result and the turns the event loop took while it ran: an I/O callback (a hook call's socket) gets one too. */
async function turnsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let counting = true;
  const count = (): void => {
    if (!counting) return;
    turns += 1;
    setImmediate(count);
  };
  setImmediate(count);
  const result = await fn();
  counting = false;
  return { result, turns };
}

describe('the compliance summary refresher', () => {
  it('drains the backlog of an audit never summarised, then folds in each new write', async () => {
    const sql = await createPgliteSql(MEMORY_DATA_DIR);
    const { logger } = logLines();
    try {
      await migrate(sql);
      await generateProvince(sql, { calls: 800, institutions: 3, year: 2026, indicatedRate: 0.3, noticeBytes: 200 }, () => undefined);
      const audit = createAuditStore(sql);
      const refresher = startSummaryRefresher(audit, PROVINCE_YEAR_REPORT, { logger, batch: 20, intervalMs: 50 });
      try {
        await expect.poll(() => audit.summaryStatus(PROVINCE_YEAR_REPORT), within).toEqual({ current: true, backlog: 0 });
        const [facts] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM qc_case_facts');
        expect(facts!.n).toBeGreaterThan(20);

        await audit.recordHookCall(
          hookCall({
            patientId: 'pt-后台-1',
            pregnancyKey: 'Patient/pt-后台-1|2027-06-01',
            receivedAt: '2026-12-28T02:00:00.000Z',
            findings: [{ rule: 'ama', citation: 'ZJ-2023 Art.24(5)', evidence: ['Patient/pt-后台-1'], params: {} }],
          }),
        );
        const folded = () => sql.query("SELECT 1 FROM qc_case_facts WHERE patient_id = 'pt-后台-1'").then((r) => r.length);
        await expect.poll(folded, within).toBe(2); // the province's and org-1's
        expect(await audit.summaryStatus(PROVINCE_YEAR_REPORT)).toEqual({ current: true, backlog: 0 });
      } finally {
        await refresher.stop();
      }
    } finally {
      await sql.close();
    }
  }, 120_000);

  it('lets the event loop turn between the transactions of a round: a hook call is held for one batch, not the round', async () => {
    const sql = await createPgliteSql(MEMORY_DATA_DIR);
    try {
      await migrate(sql);
      await generateProvince(sql, { calls: 800, institutions: 3, year: 2026, indicatedRate: 0.3, noticeBytes: 200 }, () => undefined);
      const audit = createAuditStore(sql);
      const { backlog } = await audit.summaryStatus(PROVINCE_YEAR_REPORT);
      expect(backlog).toBeGreaterThan(30);
      const { result: women, turns } = await turnsDuring(() => audit.refreshSummary(PROVINCE_YEAR_REPORT, { batch: 10, wait: false }));
      expect(women).toBe(backlog);
      expect(turns).toBeGreaterThanOrEqual(Math.ceil(women / 10) - 1);
      expect(await audit.summaryStatus(PROVINCE_YEAR_REPORT)).toEqual({ current: true, backlog: 0 });
    } finally {
      await sql.close();
    }
  }, 120_000);

  it('lets the event loop turn between the chunks of a rebuild for other settings: a hook call is held for one chunk, not the whole audit', async () => {
    const sql = await createPgliteSql(MEMORY_DATA_DIR);
    try {
      await migrate(sql);
      await generateProvince(sql, { calls: 800, institutions: 3, year: 2026, indicatedRate: 0.3, noticeBytes: 200 }, () => undefined);
      const audit = createAuditStore(sql);
      await audit.refreshSummary(PROVINCE_YEAR_REPORT);
      const [women] = await sql.query<{ n: number }>('SELECT count(DISTINCT patient_id)::int AS n FROM hook_call');
      const utc = { ...PROVINCE_YEAR_REPORT, timeZone: 'UTC' };
      // One transaction folds every woman in (batch): the turns counted are the marking's.
      const seen: SummaryTransaction[] = [];
      const { result: folded, turns } = await turnsDuring(() =>
        sqlComplianceSummary(sql, { markChunk: 10 }).refreshSummary(utc, {
          batch: 100_000,
          wait: false,
          onTransaction: (t) => seen.push(t),
        }),
      );
      expect(folded).toBe(women!.n);
      // Each transaction told once it ended: a mark per chunk, then the one that found none left folded every woman.
      expect(seen.map((t) => t.kind)).toEqual([...Array.from({ length: Math.ceil(women!.n / 10) }, () => 'mark'), 'fold']);
      expect(seen.at(-1)?.women).toBe(women!.n);
      expect(seen.every((t) => t.ms > 0)).toBe(true);
      expect(turns).toBeGreaterThanOrEqual(Math.ceil(women!.n / 10));
      expect(await audit.summaryStatus(utc)).toEqual({ current: true, backlog: 0 });
    } finally {
      await sql.close();
    }
  }, 120_000);

  it('puts a round off while the event loop is busy (the hook calls come first), but never longer than the maximum delay', async () => {
    const { logger } = logLines();
    const rounds: number[] = [];
    let busy = 0.9;
    const store = {
      refreshSummary: async () => {
        rounds.push(Date.now());
        return 0;
      },
    };
    const start = Date.now();
    const refresher = startSummaryRefresher(store, PROVINCE_YEAR_REPORT, {
      logger,
      batch: 5,
      intervalMs: 50,
      maxDelayMs: 700,
      utilization: () => busy,
    });
    try {
      await expect.poll(() => rounds.length, within).toBe(2);
      // Busy throughout: each round comes only once the maximum delay since the last one has passed.
      expect(rounds[0]! - start).toBeGreaterThanOrEqual(690);
      expect(rounds[1]! - rounds[0]!).toBeGreaterThanOrEqual(690);
      busy = 0.2;
      const idleFrom = rounds.length;
      await expect.poll(() => rounds.length, within).toBeGreaterThanOrEqual(idleFrom + 4);
      // Idle: a round every interval.
      const gaps = rounds.slice(idleFrom + 1).map((t, i) => t - rounds[idleFrom + i]!);
      expect(Math.max(...gaps)).toBeLessThan(400);
    } finally {
      await refresher.stop();
    }
  }, 60_000);

  it(`logs a transaction that held the store ${SUMMARY_SLOW_TRANSACTION_MS} ms or more (its kind, women and ms), and hands every transaction on`, async () => {
    const { logger, lines } = logLines();
    const handed: SummaryTransaction[] = [];
    let rounds = 0;
    const store = {
      refreshSummary: async (_s: unknown, opts?: { onTransaction?: (t: SummaryTransaction) => void }) => {
        if (rounds++ > 0) return 0;
        opts?.onTransaction?.({ kind: 'mark', women: 0, ms: 45.2 });
        opts?.onTransaction?.({ kind: 'fold', women: 3, ms: SUMMARY_SLOW_TRANSACTION_MS + 2_800.4 });
        opts?.onTransaction?.({ kind: 'fold', women: 50, ms: SUMMARY_SLOW_TRANSACTION_MS - 1 });
        return 53;
      },
    };
    const refresher = startSummaryRefresher(store, PROVINCE_YEAR_REPORT, {
      logger,
      batch: 50,
      intervalMs: 50,
      onTransaction: (t) => handed.push(t),
    });
    try {
      await expect.poll(() => handed.length, within).toBe(3);
      const slow = lines().filter((l) => String(l.msg).startsWith('compliance summary: one transaction held the store'));
      expect(slow).toHaveLength(1);
      expect(slow[0]).toMatchObject({ level: 40, kind: 'fold', women: 3, ms: SUMMARY_SLOW_TRANSACTION_MS + 2_800 });
    } finally {
      await refresher.stop();
    }
  });

  it('follows a full round at once, waits the interval after a short one, logs a failed round by its code and retries; stop waits for the round', async () => {
    const { logger, lines } = logLines();
    const rounds: number[] = [];
    const answers: (number | Error)[] = [SUMMARY_ROUND_MAX, new AppError('store-unavailable'), 3];
    let release: () => void = () => undefined;
    const store = {
      refreshSummary: async (_s: unknown, opts?: { maxWomen?: number; wait?: boolean; batch?: number }) => {
        expect(opts).toEqual({ maxWomen: SUMMARY_ROUND_MAX, batch: 7, wait: false, onTransaction: expect.any(Function) });
        rounds.push(Date.now());
        const answer = answers.shift();
        if (answer === undefined) {
          await new Promise<void>((resolve) => (release = resolve));
          return 0;
        }
        if (answer instanceof Error) throw answer;
        return answer;
      },
    };
    const refresher = startSummaryRefresher(store, PROVINCE_YEAR_REPORT, { logger, batch: 7, intervalMs: 400 });
    await expect.poll(() => rounds.length, within).toBe(4);
    // After the full first round the second came at once (the drain pause), after the failure and the short one the interval.
    expect(rounds[1]! - rounds[0]!).toBeLessThan(300);
    expect(rounds[2]! - rounds[1]!).toBeGreaterThanOrEqual(390);
    expect(rounds[3]! - rounds[2]!).toBeGreaterThanOrEqual(390);
    const failed = lines().filter((l) => l.msg === 'compliance summary refresh failed; retrying');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ code: 'store-unavailable', level: 40 });
    expect(lines().filter((l) => l.msg === 'compliance summary caught up')).toHaveLength(1);

    let stopped = false;
    const stopping = refresher.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false); // the fourth round is under way
    release();
    await stopping;
    await new Promise((r) => setTimeout(r, 500));
    expect(rounds).toHaveLength(4);
  }, 60_000);
});
