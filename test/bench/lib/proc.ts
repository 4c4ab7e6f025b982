import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readdirSync, readFileSync } from 'node:fs';

/** A child process pinned to one CPU core with `taskset` (the pid is the command's: taskset execs it). */
export interface Pinned {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly spawnedAt: number;
  exited: boolean;
}

/** Spawns `node <args>` on `core`; stdout/stderr go to `logFile` (or are dropped). */
export function spawnPinned(core: number, nodeArgs: readonly string[], env: NodeJS.ProcessEnv, logFile?: string): Pinned {
  const out = logFile ? openSync(logFile, 'a') : 'ignore';
  const spawnedAt = performance.now();
  const child = spawn('taskset', ['-c', String(core), process.execPath, ...nodeArgs], {
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
  });
  if (child.pid === undefined) throw new Error(`cannot spawn ${nodeArgs.join(' ')}`);
  const p: Pinned = { child, pid: child.pid, spawnedAt, exited: false };
  child.once('exit', () => {
    p.exited = true;
  });
  return p;
}

/**
 * The port a child announced in `portFile` once listening (children listen on port 0, so no other
 * process on the machine can take the port between choosing and binding it). Bounded by `timeoutMs`.
 */
export async function waitPort(p: Pinned, portFile: string, timeoutMs = 120_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (p.exited) throw new Error(`process ${p.pid} exited before listening`);
    if (existsSync(portFile)) {
      const port = Number(readFileSync(portFile, 'utf8'));
      if (port > 0) return port;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no port announced within ${timeoutMs} ms`);
}

/** Polls `url` (GET) every 5 ms until it answers 200; returns ms since spawn. Bounded by `timeoutMs`. */
export async function waitReady(p: Pinned, url: string, timeoutMs = 120_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (p.exited) throw new Error(`process ${p.pid} exited before it was ready (${url})`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      if (r.status === 200) return performance.now() - p.spawnedAt;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`not ready within ${timeoutMs} ms: ${url}`);
}

export interface ProcStats {
  readonly rssMiB: number;
  readonly fds: number;
}

/** RSS (VmRSS) and open file descriptors of a live process, from /proc. */
export function procStats(pid: number): ProcStats {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 'NaN');
  return { rssMiB: Math.round((kb / 1024) * 10) / 10, fds: readdirSync(`/proc/${pid}/fd`).length };
}

/** Sends `signal` and waits (bounded) for exit; SIGKILL after `graceMs`. */
export async function stop(p: Pinned, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<number | null> {
  if (p.exited) return p.child.exitCode;
  const exited = new Promise<number | null>((resolve) => p.child.once('exit', (code) => resolve(code)));
  p.child.kill(signal);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}
