import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnPinned, type Pinned } from './proc.js';

const WORKER = fileURLToPath(new URL('../cannon-worker.mjs', import.meta.url));

export interface BenchRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** A patient id to replace in the body by a new one per request (a fresh woman each call; cannon-worker.mjs). */
  readonly fresh?: string;
}

export interface CannonSpec {
  readonly origin: string;
  readonly connections: number;
  readonly durationSec: number;
  /** Requests per second over all connections (latency probe); unlimited when absent. */
  readonly overallRate?: number;
  readonly requests: readonly BenchRequest[];
  /** One fresh JWT per request, per path. */
  readonly tokens?: Readonly<Record<string, readonly string[]>>;
}

export interface CannonResult {
  readonly requestsPerSec: number;
  readonly total: number;
  readonly latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  readonly ok2xx: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodes: Record<string, number>;
  readonly tokensUsed?: number;
  readonly tokensExhausted?: number;
}

let seq = 0;

/** Runs autocannon in a child process pinned to `core` (bounded by the spec's duration). */
export async function runCannon(spec: CannonSpec, workDir: string, core = 1): Promise<CannonResult> {
  mkdirSync(workDir, { recursive: true });
  seq += 1;
  const base = join(workDir, `cannon-${process.pid}-${seq}`);
  let tokensFile: string | undefined;
  if (spec.tokens) {
    tokensFile = `${base}.tokens.json`;
    writeFileSync(tokensFile, JSON.stringify(spec.tokens));
  }
  const cfg = {
    url: spec.origin,
    connections: spec.connections,
    duration: spec.durationSec,
    overallRate: spec.overallRate,
    requests: spec.requests,
    tokensFile,
    out: `${base}.out.json`,
  };
  writeFileSync(`${base}.cfg.json`, JSON.stringify(cfg));
  const p: Pinned = spawnPinned(core, [WORKER, `${base}.cfg.json`], {}, `${base}.log`);
  const code = await new Promise<number | null>((resolve) => p.child.once('exit', (c) => resolve(c)));
  if (code !== 0) throw new Error(`autocannon worker failed (exit ${code}); see ${base}.log`);
  return JSON.parse(readFileSync(cfg.out, 'utf8')) as CannonResult;
}
