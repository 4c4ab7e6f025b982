import { mkdtempSync, rmSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { procStats, spawnPinned, stop, waitPort, waitReady, type Pinned, type ProcStats } from './proc.js';
import type { Row } from './report.js';
import { BENCH_BASE, BENCH_ISS } from './tokens.js';

const SERVERS = fileURLToPath(new URL('../servers/', import.meta.url));
export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

/** A server under test: pinned to SERVER_CORE, ready, with its RSS/fds when it became ready. */
export interface Target {
  readonly name: string;
  readonly pinned: Pinned;
  readonly origin: string;
  /** Spawn → first 200 on GET /cds-services, ms. */
  readonly startupMs: number;
  readonly atStart: ProcStats;
}

async function launch(
  name: string,
  /** A file of test/bench/servers/, or an absolute path. */
  script: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
  nodeArgs: readonly string[] = [],
  core = SERVER_CORE,
  readyPath = '/cds-services',
): Promise<Target> {
  const portFile = `${logFile}.port`;
  rmSync(portFile, { force: true });
  const pinned = spawnPinned(
    core,
    [...nodeArgs, isAbsolute(script) ? script : join(SERVERS, script)],
    { ...env, PORT: '0', BENCH_PORT_FILE: portFile },
    logFile,
  );
  const port = await waitPort(pinned, portFile);
  const origin = `http://127.0.0.1:${port}`;
  const startupMs = await waitReady(pinned, `${origin}${readyPath}`);
  return { name, pinned, origin, startupMs: Math.round(startupMs), atStart: procStats(pinned.pid) };
}

export type BaselineKind = 'bare-http' | 'express' | 'express+jose' | 'durable-echo';

const BASELINE_SCRIPTS: Record<BaselineKind, string> = {
  'bare-http': 'bare-http.mjs',
  express: 'express-app.mjs',
  'express+jose': 'express-app.mjs',
  'durable-echo': 'durable-echo.mjs',
};

/**
 * A baseline server. `durable-echo`: express + one durable row of the request's record bytes per
 * request in the service's own engine (PGlite from dist/ in a fresh DATA_DIR, fsync on).
 */
export function startBaseline(kind: BaselineKind, logDir: string, jwks?: unknown): Promise<Target> {
  const env: NodeJS.ProcessEnv =
    kind === 'express+jose'
      ? { BENCH_JWKS: JSON.stringify(jwks), BENCH_ISS, BENCH_AUD_BASE: BENCH_BASE }
      : kind === 'durable-echo'
        ? { DATA_DIR: mkdtempSync(join(logDir, 'echo-data-')), AUTH_MODE: 'off', LOG_LEVEL: 'silent' }
        : {};
  return launch(kind, BASELINE_SCRIPTS[kind], env, join(logDir, `${kind}.log`));
}

/**
 * The targets of the benchmark, checked on the same run (store on, auth off, server on one core).
 * Typical phases send a new woman per request (no notice or findings to reuse); `repeat` is the
 * same woman every call. Each target reads one row and phase: `min` ratio to a baseline, or `max` p99 ms.
 */
export interface BenchTarget {
  readonly name: string;
  readonly target: string;
  readonly record: string;
  readonly phase: 'c1' | 'c10';
  readonly ratio?: { readonly baseline: 'express' | 'durable-echo'; readonly min: number };
  readonly p99Max?: number;
}

const REFERRAL = 'prenatal-diagnosis-referral';
const HEAVY_SERVICES = [REFERRAL, 'prenatal-diagnosis-referral-encounter', 'nipt-order-check', 'special-technique-order-sign'];

export const TARGETS: readonly BenchTarget[] = [
  {
    name: 'referral typical c=1 ≥ 0.30 × express',
    target: REFERRAL,
    record: 'typical',
    phase: 'c1',
    ratio: { baseline: 'express', min: 0.3 },
  },
  {
    name: 'referral typical c=1 ≥ 0.7 × durable echo',
    target: REFERRAL,
    record: 'typical',
    phase: 'c1',
    ratio: { baseline: 'durable-echo', min: 0.7 },
  },
  { name: 'referral typical c=1 p99 ≤ 6 ms', target: REFERRAL, record: 'typical', phase: 'c1', p99Max: 6 },
  {
    name: 'referral typical c=10 ≥ 0.35 × express',
    target: REFERRAL,
    record: 'typical',
    phase: 'c10',
    ratio: { baseline: 'express', min: 0.35 },
  },
  { name: 'referral typical c=10 p99 ≤ 30 ms', target: REFERRAL, record: 'typical', phase: 'c10', p99Max: 30 },
  ...HEAVY_SERVICES.map((id): BenchTarget => ({
    name: `${id} heavy c=1 p99 ≤ 25 ms`,
    target: id,
    record: 'heavy',
    phase: 'c1',
    p99Max: 25,
  })),
];

/** The same run's durable echo beside a c=1 target: how near the target is to what any durable call can reach. */
export interface DurableLimit {
  /** The echo's requests/s over express, same phase and record. */
  readonly ratio?: number;
  /** The ms a call has above the echo's at the target's rate (1/(min × express) − 1/echo); negative: the target is above the echo. */
  readonly roomMs?: number;
  /** The echo's own p99, ms: for reference only, not a limit (a tail also holds each server's own pauses). */
  readonly p99?: number;
}

/** A target as checked on one run: the measured figure, whether it is met (`undefined`: no such row), the durable echo at c=1. */
export interface CheckedTarget {
  readonly name: string;
  readonly measured: number | null;
  readonly met: boolean | undefined;
  readonly durableLimit?: DurableLimit;
}

const offRow = (rows: readonly Row[], target: string, record: string, phase: string): Row | undefined =>
  rows.find((r) => r.target === target && r.record === record && r.phase === phase && r.auth === 'off');

/**
 * The durable echo of the same phase at c=1 (docs/design.md#durable-limit). One call at a time,
 * each waiting for its own commit, a call that is stored durably before it is answered does at
 * least what the echo does, give or take its body parse: read the body and commit a row of its
 * bytes. So the ms a call has above the echo's, at the rate an express-ratio target asks for, is
 * what the target leaves for everything else the call does. At c=10 commits are grouped
 * (docs/design.md#audit): the echo, one commit a request, is no limit there and none is given.
 */
function durableLimit(rows: readonly Row[], t: BenchTarget): DurableLimit | undefined {
  if (t.phase !== 'c1') return undefined;
  if (t.ratio && t.ratio.baseline !== 'express') return undefined;
  const echo = offRow(rows, 'durable-echo', t.record, t.phase);
  if (!echo) return undefined;
  if (!t.ratio) return { p99: echo.result.latency.p99 };
  const express = offRow(rows, 'express', t.record, t.phase);
  const echoRps = echo.result.requestsPerSec;
  const expressRps = express?.result.requestsPerSec ?? 0;
  if (!(echoRps > 0 && expressRps > 0)) return undefined;
  const roomMs = 1000 / (t.ratio.min * expressRps) - 1000 / echoRps;
  return { ratio: Math.round((echoRps / expressRps) * 1000) / 1000, roomMs: Math.round(roomMs * 100) / 100 };
}

/** One target against the run's rows (auth off): the measured figure, whether it is met, and at c=1 the durable echo. */
export function checkTargets(rows: readonly Row[]): CheckedTarget[] {
  return TARGETS.map((t) => {
    const limit = durableLimit(rows, t);
    const common = { name: t.name, ...(limit ? { durableLimit: limit } : {}) };
    const row = offRow(rows, t.target, t.record, t.phase);
    if (t.ratio) {
      const v = row?.ratios?.[t.ratio.baseline];
      return { ...common, measured: v ?? null, met: v === undefined ? undefined : v >= t.ratio.min };
    }
    if (!row) return { ...common, measured: null, met: undefined };
    const p99 = row.result.latency.p99;
    return { ...common, measured: p99, met: p99 <= (t.p99Max ?? Infinity) };
  });
}

/** The durable echo beside a target, in words. */
function limitNote(l: DurableLimit | undefined): string {
  if (l?.ratio !== undefined && l.roomMs !== undefined)
    return l.roomMs < 0
      ? `; the durable echo itself ${l.ratio} × express, below the target`
      : `; durable echo ${l.ratio} × express: ${l.roomMs} ms a call left above it`;
  if (l?.p99 !== undefined) return `; durable echo p99 ${l.p99} ms`;
  return '';
}

/** The targets as a table for stdout. */
export function formatTargets(checked: readonly CheckedTarget[]): string {
  const mark = (m: boolean | undefined) => (m === undefined ? 'n/a' : m ? 'met' : 'NOT met');
  return checked.map((c) => `  ${mark(c.met).padEnd(8)} ${c.name} (measured ${c.measured ?? '-'}${limitNote(c.durableLimit)})`).join('\n');
}

export interface ServiceOptions {
  readonly auth: 'off' | 'jwt';
  readonly trustedIssuers?: string;
  readonly logDir: string;
  /** Extra node flags, e.g. --cpu-prof. */
  readonly nodeArgs?: readonly string[];
  readonly handlesFile?: string;
  /** Another built checkout whose service to start (its dist/, its test/bench/servers/service.mjs): A/B runs. */
  readonly checkout?: string;
}

/** The policy of the bench's service: the example records' institution and a partner, by their names. */
export const BENCH_POLICY = {
  institution: { id: 'org-hz-demo-mch', name: '杭州市某区妇幼保健院' },
  referralInstitution: { name: '浙江大学医学院附属妇产科医院产前诊断中心' },
};

/** Our service from dist/ with a fresh temp DATA_DIR (embedded PGlite audit store), which it names. */
export async function startService(o: ServiceOptions): Promise<Target & { readonly dataDir: string }> {
  const dataDir = mkdtempSync(join(o.logDir, 'data-'));
  const target = await launch(
    `prenatal-cds (auth ${o.auth})`,
    o.checkout ? join(o.checkout, 'test', 'bench', 'servers', 'service.mjs') : 'service.mjs',
    {
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      PUBLIC_BASE_URL: BENCH_BASE,
      AUTH_MODE: o.auth,
      TRUSTED_ISSUERS: o.auth === 'jwt' ? o.trustedIssuers : '',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      // Real institution names: with PUBLIC_BASE_URL set a referral card carries a stored notice only
      // then (docs/design.md#written-notice); without them the bench would measure calls with no notice.
      POLICY_FILE: JSON.stringify(BENCH_POLICY),
      BENCH_HANDLES_FILE: o.handlesFile ?? '',
    },
    join(o.logDir, `service-${o.auth}.log`),
    o.nodeArgs ?? [],
  );
  return { ...target, dataDir };
}

/** The loopback FHIR server of the fallback path, pinned with the load generator. */
export function startFhirServer(recordFile: string, logDir: string): Promise<Target> {
  return launch(
    'fhir-server',
    'fhir-server.mjs',
    { BENCH_RECORD_FILE: recordFile },
    join(logDir, 'fhir-server.log'),
    [],
    LOAD_CORE,
    '/health',
  );
}

/** Stops a target; returns its RSS/fds just before. */
export async function finish(t: Target): Promise<{ atEnd: ProcStats; exitCode: number | null }> {
  const atEnd = procStats(t.pinned.pid);
  const exitCode = await stop(t.pinned);
  return { atEnd, exitCode };
}
