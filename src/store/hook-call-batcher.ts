import { identify, insertHookCalls, type IdentifiedHookCall } from './hook-call-writes.js';
import type { HookCallRecord } from './records.js';
import { createReuseCache, type ReuseCache } from './reuse-cache.js';
import type { Sql } from './sql.js';

/** Most hook calls one group-commit statement carries (bounds statement size and a retry's cost). */
export const MAX_HOOK_CALL_BATCH = 64;

interface Pending {
  readonly call: IdentifiedHookCall;
  readonly resolve: (value: { readonly id: string }) => void;
  readonly reject: (reason: unknown) => void;
}

/**
 * Group commit for `recordHookCall`. One write is in flight at a time; calls arriving meanwhile
 * queue up and go together into the next one (at most `maxBatch` records in one autocommitted
 * INSERT statement: one round trip, no BEGIN and COMMIT). Durability is unchanged: a caller's
 * promise resolves only after the statement holding its record committed.
 *
 * Failure rule: if a batch of several records fails (a notice conflict, a constraint violation, a
 * driver error, a lost connection), nothing of it is acknowledged and every record of it is retried
 * alone, in a statement of its own — so one bad record rejects only its own caller (with
 * NoticeConflictError or AppError('store-unavailable')), and an outage rejects each caller with
 * store-unavailable (503). Ids are fixed before the first attempt: if a write whose answer was lost
 * did in fact commit, the retry hits the primary key and rejects (503) — a record is never stored twice.
 */
export function createHookCallBatcher(
  sql: Sql,
  maxBatch = MAX_HOOK_CALL_BATCH,
  reuse: ReuseCache = createReuseCache(),
): (record: HookCallRecord) => Promise<{ readonly id: string }> {
  const queue: Pending[] = [];
  let draining = false;

  // Rows this process knows are stored are not sent again (docs/design.md#notice-reuse). A write
  // that left some out and failed is made again whole once, the cache cleared: it may be wrong.
  const write = async (calls: readonly IdentifiedHookCall[]) => {
    const planned = calls.map((c) => reuse.plan(c));
    try {
      await insertHookCalls(
        sql,
        planned.map((p) => p.call),
      );
    } catch (err) {
      if (!planned.some((p) => p.shortened)) throw err;
      reuse.clear();
      return write(calls);
    }
    reuse.remember(planned);
  };

  async function run(batch: readonly Pending[]): Promise<void> {
    try {
      await write(batch.map((p) => p.call));
      for (const p of batch) p.resolve({ id: p.call.id });
      return;
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
    }
    for (const p of batch) {
      try {
        await write([p.call]);
        p.resolve({ id: p.call.id });
      } catch (err) {
        p.reject(err);
      }
    }
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) {
        // Each batch starts after the I/O callbacks already due (setImmediate, not a microtask):
        // PGlite runs statements synchronously on this thread, so requests that arrived meanwhile
        // only queue their records if the event loop serves them first — then they share the batch.
        await new Promise<void>((resolve) => setImmediate(resolve));
        await run(queue.splice(0, maxBatch));
      }
    } finally {
      draining = false;
    }
  }

  return (record) =>
    new Promise((resolve, reject) => {
      queue.push({ call: identify(record), resolve, reject });
      if (draining) return;
      draining = true;
      void drain();
    });
}
