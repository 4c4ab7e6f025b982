import { loadavg } from 'node:os';
import { runCannon, type BenchRequest, type CannonResult } from './cannon.js';
import type { Row } from './report.js';
import { LOAD_CORE } from './targets.js';

export interface Settings {
  readonly durationSec: number;
  readonly warmupSec: number;
  readonly probeSec: number;
  readonly probeRate: number;
  readonly workDir: string;
}

export interface Case {
  readonly target: string;
  readonly record: string;
  readonly auth: 'off' | 'jwt';
  readonly origin: string;
  readonly request: BenchRequest;
  /** Signs `count` fresh tokens for the request's path (auth on). */
  readonly sign?: (count: number) => Promise<string[]>;
  /** Upper bound of req/s per phase (from the same target without auth) to size the token pools. */
  readonly upper?: Readonly<Record<string, number>>;
}

/** Tokens for `sec` seconds at up to `rps` requests/s, with margin. */
const budget = (rps: number, sec: number): number => Math.ceil(rps * sec * 1.3) + 200;

type Measured = CannonResult & { loadAvg1: number };

async function phase(c: Case, s: Settings, connections: number, sec: number, rate: number | undefined, key: string): Promise<Measured> {
  let tokens: Record<string, string[]> | undefined;
  if (c.sign) {
    const rps = rate ?? c.upper?.[key] ?? 2500;
    tokens = { [c.request.path]: await c.sign(budget(rps, sec)) };
  }
  const loadAvg1 = loadavg()[0] ?? 0;
  const r = await runCannon(
    {
      origin: c.origin,
      connections,
      durationSec: sec,
      requests: [c.request],
      ...(rate ? { overallRate: rate } : {}),
      ...(tokens ? { tokens } : {}),
    },
    s.workDir,
    LOAD_CORE,
  );
  return { ...r, loadAvg1 };
}

/**
 * A server just started, warmed before its first case (c10, discarded): the JIT, and for an
 * embedded store its first WAL segments and table pages — a state a running service left behind
 * long ago, which the short per-case warm-up of the first case alone does not reach.
 */
export async function warmServer(c: Case, s: Settings, sec: number): Promise<void> {
  if (sec > 0) await phase(c, s, 10, sec, undefined, 'c10');
}

/** Warm-up (c10, discarded), then c1, c10 and the latency probe (one connection at a fixed low rate). */
export async function runCase(c: Case, s: Settings): Promise<Row[]> {
  await phase(c, s, 10, s.warmupSec, undefined, 'c10');
  const c1 = await phase(c, s, 1, s.durationSec, undefined, 'c1');
  const c10 = await phase(c, s, 10, s.durationSec, undefined, 'c10');
  const rate = Math.max(1, Math.min(s.probeRate, Math.floor(c1.requestsPerSec / 2)));
  const probe = await phase(c, s, 1, s.probeSec, rate, 'probe');
  const base = { target: c.target, record: c.record, auth: c.auth };
  const row = (phase: string, m: Measured): Row => {
    const { loadAvg1, ...result } = m;
    return { ...base, phase, result, loadAvg1: Math.round(loadAvg1 * 10) / 10 };
  };
  const rows: Row[] = [row('c1', c1), row('c10', c10), { ...row('probe', probe), rate }];
  const bad = rows.filter((r) => r.result.non2xx + r.result.errors + r.result.timeouts > 0);
  for (const r of bad)
    console.warn(
      `  ! ${r.target} ${r.record} ${r.phase}: non2xx=${r.result.non2xx} errors=${r.result.errors} timeouts=${r.result.timeouts} status=${JSON.stringify(r.result.statusCodes)}`,
    );
  console.log(
    `  ${c.target} [${c.record}, auth ${c.auth}] c1 ${c1.requestsPerSec.toFixed(0)}/s p99 ${c1.latency.p99} ms; c10 ${c10.requestsPerSec.toFixed(0)}/s p99 ${c10.latency.p99} ms`,
  );
  return rows;
}
