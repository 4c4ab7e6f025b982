/**
 * Bounds on waiting for a PostgreSQL server (docs/design.md#store-bounds): a server that stops
 * answering (stopped, partitioned, stuck on I/O) must give a prompt 503, not a hung call.
 */

/** We stopped waiting for the server: no connection in time, or no answer to a statement in time. */
export class StoreTimeoutError extends Error {
  constructor(
    readonly waitingFor: 'connection' | 'answer',
    readonly afterMs: number,
  ) {
    super(`no ${waitingFor} from the database server within ${afterMs} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/** Statements are refused without trying: the server did not answer a moment ago. */
export class StoreUnreachableError extends Error {
  constructor() {
    super('database server did not answer recently; not trying again yet');
    this.name = 'StoreUnreachableError';
  }
}

/**
 * Resolves as `work` does, or rejects with StoreTimeoutError after `ms` (then `onTimeout` runs, e.g.
 * to discard the connection; a later outcome of `work` is ignored, and passed to `late` if given —
 * a connection that arrives after we stopped waiting must still go back to the pool).
 */
export function withDeadline<T>(
  work: Promise<T>,
  waitingFor: StoreTimeoutError['waitingFor'],
  ms: number,
  opts: { onTimeout?: () => void; late?: (value: T) => void } = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(new StoreTimeoutError(waitingFor, ms));
      opts.onTimeout?.();
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        if (expired) opts.late?.(value);
        else resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        if (!expired) reject(err);
      },
    );
  });
}

/**
 * A small circuit breaker: after a StoreTimeoutError (or a failure to obtain a connection), every
 * statement fails at once with StoreUnreachableError for `backoffMs`; then the next statement tries
 * the server again, and its success closes the breaker. Without it, the calls queued behind a hung
 * server (the group commit retries each record alone) would each wait out the full bound.
 */
export function unreachableGate(backoffMs: number, nowMs: () => number = () => performance.now()) {
  let closedAfter = Number.NEGATIVE_INFINITY;
  return {
    /** Throws StoreUnreachableError while the server is considered unreachable. */
    check(): void {
      if (nowMs() < closedAfter) throw new StoreUnreachableError();
    },
    /** The server did not answer or could not be reached: refuse statements for a while. */
    trip(): void {
      closedAfter = nowMs() + backoffMs;
    },
    /** The server answered. */
    reset(): void {
      closedAfter = Number.NEGATIVE_INFINITY;
    },
  };
}
