import { mkdtempSync, rmSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { procStats, spawnPinned, stop, waitPort, waitReady, type Pinned, type ProcStats } from './proc.js';
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

export type BaselineKind = 'bare-http' | 'express' | 'express+jose';

export function startBaseline(kind: BaselineKind, logDir: string, jwks?: unknown): Promise<Target> {
  const env: NodeJS.ProcessEnv = kind === 'express+jose' ? { BENCH_JWKS: JSON.stringify(jwks), BENCH_ISS, BENCH_AUD_BASE: BENCH_BASE } : {};
  return launch(kind, kind === 'bare-http' ? 'bare-http.mjs' : 'express-app.mjs', env, join(logDir, `${kind}.log`));
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

/** Our service from dist/ with a fresh temp DATA_DIR (embedded PGlite audit store). */
export function startService(o: ServiceOptions): Promise<Target> {
  const dataDir = mkdtempSync(join(o.logDir, 'data-'));
  return launch(
    `prenatal-cds (auth ${o.auth})`,
    o.checkout ? join(o.checkout, 'test', 'bench', 'servers', 'service.mjs') : 'service.mjs',
    {
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      PUBLIC_BASE_URL: BENCH_BASE,
      AUTH_MODE: o.auth,
      TRUSTED_ISSUERS: o.auth === 'jwt' ? o.trustedIssuers : '',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      BENCH_HANDLES_FILE: o.handlesFile ?? '',
    },
    join(o.logDir, `service-${o.auth}.log`),
    o.nodeArgs ?? [],
  );
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
