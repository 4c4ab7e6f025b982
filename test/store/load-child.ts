import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** What a crash-test child printed: ids acknowledged only after their transaction committed. */
export interface Acknowledged {
  readonly acks: string[];
  readonly feedbackCards: string[];
  /** `[hookCallId, noticeId]` of each hook call whose `recordHookCall` resolved. */
  readonly hookCalls: [string, string][];
}

export interface LoadChild {
  readonly child: ChildProcess;
  readonly seen: Acknowledged;
  /** Resolves once `count` writes (acknowledgements or hook calls) were printed (rejects if the child exits first). */
  acknowledged(count: number): Promise<void>;
  /** SIGKILLs the child (if still running) and resolves when its output is fully read. */
  kill(): Promise<void>;
  /** Resolves when the child has exited and its stdout is drained. */
  readonly closed: Promise<void>;
}

/**
 * Spawns a test/store/fixtures script (`node --import tsx`) and follows its stdout:
 * `append-loop.ts` (acknowledgements and feedback, one at a time) or `record-loop.ts` (hook calls
 * from concurrent writers, i.e. group-committed batches).
 */
export function startLoad(
  engine: 'pglite' | 'postgres',
  target: string,
  script: 'append-loop.ts' | 'record-loop.ts' = 'append-loop.ts',
): LoadChild {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', script), engine, target], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seen: Acknowledged = { acks: [], feedbackCards: [], hookCalls: [] };
  const written = () => seen.acks.length + seen.hookCalls.length;
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const waiters: { count: number; resolve: () => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const [kind, id, second] = line.split(' ');
    if (kind === 'ack' && id) seen.acks.push(id);
    if (kind === 'fb' && id) seen.feedbackCards.push(id);
    if (kind === 'hc' && id && second) seen.hookCalls.push([id, second]);
    for (const w of waiters.filter((x) => written() >= x.count)) w.resolve();
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    child,
    seen,
    acknowledged: (count) =>
      new Promise<void>((resolve, reject) => {
        if (written() >= count) return resolve();
        waiters.push({ count, resolve });
        void closed.then(() => reject(new Error(`load child exited after ${written()} writes: ${stderr}`)));
      }),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await closed;
    },
    closed,
  };
}
