import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** What a crash-test child printed: ids acknowledged only after their transaction committed. */
export interface Acknowledged {
  readonly acks: string[];
  readonly feedbackCards: string[];
}

export interface LoadChild {
  readonly child: ChildProcess;
  readonly seen: Acknowledged;
  /** Resolves once `count` acknowledgements were printed (rejects if the child exits first). */
  acknowledged(count: number): Promise<void>;
  /** SIGKILLs the child (if still running) and resolves when its output is fully read. */
  kill(): Promise<void>;
  /** Resolves when the child has exited and its stdout is drained. */
  readonly closed: Promise<void>;
}

const SCRIPT = join(import.meta.dirname, 'fixtures', 'append-loop.ts');

/** Spawns test/store/fixtures/append-loop.ts (`node --import tsx`) and follows its stdout. */
export function startLoad(engine: 'pglite' | 'postgres', target: string): LoadChild {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, engine, target], { stdio: ['ignore', 'pipe', 'pipe'] });
  const seen: Acknowledged = { acks: [], feedbackCards: [] };
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const waiters: { count: number; resolve: () => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const [kind, id] = line.split(' ');
    if (kind === 'ack' && id) seen.acks.push(id);
    if (kind === 'fb' && id) seen.feedbackCards.push(id);
    for (const w of waiters.filter((x) => seen.acks.length >= x.count)) w.resolve();
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    child,
    seen,
    acknowledged: (count) => new Promise<void>((resolve, reject) => {
      if (seen.acks.length >= count) return resolve();
      waiters.push({ count, resolve });
      void closed.then(() => reject(new Error(`load child exited after ${seen.acks.length} acks: ${stderr}`)));
    }),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await closed;
    },
    closed,
  };
}
