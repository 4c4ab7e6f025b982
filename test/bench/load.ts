/**
 * `npm run bench:load`: sustained mixed hook traffic (all four services, typical
 * record ≈ 50 resources, store on, auth off) at concurrency 32 against our service pinned to core 0,
 * autocannon pinned to core 1. Reports errors (non-2xx by status), p99, RSS / open fds / active
 * handles at start and end, memory (RSS and live heap after a GC) sampled during the run. Env:
 * BENCH_LOAD_SECONDS (default 60), BENCH_SOAK_SECONDS (overrides it: the soak variant),
 * BENCH_SAMPLE_SECONDS (memory sampling period), BENCH_LOAD_CONNECTIONS (32), BENCH_CPU_PROF=1 (profile the service with
 * --cpu-prof into test-results/bench/profiles, summarised at the end), BENCH_LOAD_WARMUP_SECONDS
 * (default 5): the same traffic first, reported apart — a cold process takes 32 connections at once
 * while it still compiles, and that start-up queue (not the steady state) is where the maximum was.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCannon } from './lib/cannon.js';
import { paddedRequest, SERVICE_IDS } from './lib/records.js';
import { writeJson } from './lib/report.js';
import { envNumber, RESULTS_DIR, runDir } from './lib/settings.js';
import { procStats } from './lib/proc.js';
import { finish, LOAD_CORE, startService, type Target } from './lib/targets.js';
import { summariseProfile } from './profile-summary.js';

const seconds = envNumber('BENCH_SOAK_SECONDS', envNumber('BENCH_LOAD_SECONDS', 60));
const connections = envNumber('BENCH_LOAD_CONNECTIONS', 32);
const dir = runDir('load');
const profDir = join(RESULTS_DIR, 'profiles');
const profile = process.env.BENCH_CPU_PROF === '1';
if (profile) mkdirSync(profDir, { recursive: true });

/** Active handles/resources by type, via the service's SIGUSR2 hook (bounded wait for the file). */
async function handles(t: Target, file: string): Promise<Record<string, unknown> | undefined> {
  rmSync(file, { force: true });
  process.kill(t.pinned.pid, 'SIGUSR2');
  for (let i = 0; i < 200; i += 1) {
    await new Promise((r) => setTimeout(r, 10));
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      if (text) return JSON.parse(text) as Record<string, unknown>;
    }
  }
  return undefined;
}

const requests = SERVICE_IDS.map((id) => ({
  method: 'POST' as const,
  path: `/cds-services/${id}`,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(paddedRequest(id, 50)),
}));
const before = new Set(profile ? readdirSync(profDir) : []);
const t = await startService({
  auth: 'off',
  logDir: dir,
  handlesFile: join(dir, 'handles.json'),
  // --expose-gc only lets the SIGUSR2 dump measure the live heap after a full GC.
  nodeArgs: ['--expose-gc', ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [])],
});
console.log(
  `bench:load: ${seconds}s at ${connections} connections, mixed services; service ready in ${t.startupMs} ms (RSS ${t.atStart.rssMiB} MiB, ${t.atStart.fds} fds)`,
);
const warmupSec = envNumber('BENCH_LOAD_WARMUP_SECONDS', 5);
const warmup =
  warmupSec > 0 ? await runCannon({ origin: t.origin, connections, durationSec: warmupSec, requests }, dir, LOAD_CORE) : undefined;
if (warmup)
  console.log(`warm-up ${warmupSec}s from cold: ${warmup.total} requests, p99 ${warmup.latency.p99} ms, max ${warmup.latency.max} ms`);
const afterWarmup = procStats(t.pinned.pid);
const handlesStart = await handles(t, join(dir, 'handles.json'));
// Memory over time (every BENCH_SAMPLE_SECONDS, default a tenth of the run): RSS vs the live JS heap.
const samples: { atSec: number; memoryMiB: unknown; heapSpacesMiB: unknown }[] = [];
const sampleMs = envNumber('BENCH_SAMPLE_SECONDS', Math.max(5, Math.round(seconds / 10))) * 1000;
const started = performance.now();
let sampling = Promise.resolve();
const sampler = setInterval(() => {
  sampling = sampling.then(async () => {
    const h = await handles(t, join(dir, 'handles.json'));
    samples.push({
      atSec: Math.round((performance.now() - started) / 1000),
      memoryMiB: h?.['memoryMiB'],
      heapSpacesMiB: h?.['heapSpacesMiB'],
    });
  });
}, sampleMs);
const result = await runCannon({ origin: t.origin, connections, durationSec: seconds, requests }, dir, LOAD_CORE);
clearInterval(sampler);
await sampling;
// After the run: let in-flight audit writes settle (bounded) before sampling the end state.
await new Promise((r) => setTimeout(r, 1000));
const handlesEnd = await handles(t, join(dir, 'handles.json'));
const end = await finish(t);
const report = {
  at: new Date().toISOString(),
  seconds,
  connections,
  startupMs: t.startupMs,
  warmup: warmup && { seconds: warmupSec, ...warmup },
  result,
  rssMiB: { atReady: t.atStart.rssMiB, start: afterWarmup.rssMiB, end: end.atEnd.rssMiB },
  fds: { atReady: t.atStart.fds, start: afterWarmup.fds, end: end.atEnd.fds },
  activeResources: { start: handlesStart, end: handlesEnd },
  memorySamples: samples,
  exitCode: end.exitCode,
};
console.log(JSON.stringify(report, null, 1));
writeJson(join(RESULTS_DIR, 'load-latest.json'), report);
if (profile) {
  const fresh = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile') && !before.has(f));
  for (const f of fresh) console.log(`profile ${join(profDir, f)}\n${summariseProfile(join(profDir, f), 10)}`);
}
