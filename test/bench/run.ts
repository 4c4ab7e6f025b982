/**
 * `npm run bench`: baselines and our service side by side in one run, server pinned to
 * core 0 and autocannon to core 1; table on stdout, JSON in test-results/bench/latest.json.
 * Baselines: bare node:http, express, express + jose, and the durable echo (express + one durable
 * row of the record's bytes per request in the service's engine). The typical and heavy phases send
 * a new woman per request (her id replaced in the body), so no notice or findings are reused; the
 * `repeat` phase sends the same woman every call (docs/design.md#notice-reuse). The targets
 * (lib/targets.ts) are checked on the run and printed after the table.
 * Env: BENCH_DURATION (s per phase, default 10), BENCH_WARMUP (s, default 3), BENCH_PROBE_RATE
 * (req/s, default 50), BENCH_HEAVY_AUTH=1 (also the heavy record with auth on), BENCH_LOG_LEVEL,
 * BENCH_SERVER_WARMUP (s each server just started is warmed before its first case, default 10),
 * BENCH_QUICK=1 (only what the targets read: the express and durable-echo baselines and the referral
 * service with auth off, typical, heavy and repeat — a few minutes instead of a quarter of an hour).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRequest } from './lib/cannon.js';
import { runCase, warmServer, type Settings } from './lib/phases.js';
import { fallbackRequest, paddedRequest, prefetchResources, SERVICE_IDS, type BenchServiceId, type HookBody } from './lib/records.js';
import { addRatios, formatTable, writeJson, type Row } from './lib/report.js';
import { envNumber, RESULTS_DIR, runDir } from './lib/settings.js';
import {
  checkTargets,
  finish,
  formatTargets,
  SERVER_CORE,
  startBaseline,
  startFhirServer,
  startService,
  type BaselineKind,
  type Target,
} from './lib/targets.js';
import { makeBenchKey, signTokens, trustedIssuers, type BenchKey } from './lib/tokens.js';

const TYPICAL = 50;
const HEAVY = 1000;
const dir = runDir('bench');
const duration = envNumber('BENCH_DURATION', 10);
const quick = process.env.BENCH_QUICK === '1';
const serverWarmupSec = envNumber('BENCH_SERVER_WARMUP', 10);
const s: Settings = {
  durationSec: duration,
  warmupSec: envNumber('BENCH_WARMUP', Math.min(3, duration)),
  probeSec: Math.min(duration, 5),
  probeRate: envNumber('BENCH_PROBE_RATE', 50),
  workDir: dir,
};

/** The hook call; `fresh`: another woman per request (her id replaced in the body by the load generator). */
const post = (id: string, body: HookBody, fresh = true): BenchRequest => ({
  method: 'POST',
  path: `/cds-services/${id}`,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
  ...(fresh ? { fresh: body.context.patientId } : {}),
});
const records = {
  typical: (id: BenchServiceId) => paddedRequest(id, TYPICAL),
  heavy: (id: BenchServiceId) => paddedRequest(id, HEAVY),
};
const rows: Row[] = [];
const servers: Record<string, unknown>[] = [];

async function serverRun(t: Target, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } finally {
    const end = await finish(t);
    servers.push({
      name: t.name,
      startupMs: t.startupMs,
      rssStartMiB: t.atStart.rssMiB,
      rssEndMiB: end.atEnd.rssMiB,
      fdsStart: t.atStart.fds,
      fdsEnd: end.atEnd.fds,
      exitCode: end.exitCode,
    });
  }
}

const upperOf = (target: string, record: string): Record<string, number> =>
  Object.fromEntries(rows.filter((r) => r.target === target && r.record === record).map((r) => [r.phase, r.result.requestsPerSec]));

async function baselines(key: BenchKey): Promise<void> {
  const all: [BaselineKind, readonly (keyof typeof records)[]][] = [
    ['bare-http', ['typical', 'heavy']],
    ['express', ['typical', 'heavy']],
    ['express+jose', ['typical']],
    ['durable-echo', ['typical', 'heavy']],
  ];
  const kinds = quick ? all.filter(([k]) => k === 'express' || k === 'durable-echo') : all;
  for (const [kind, recs] of kinds) {
    const t = await startBaseline(kind, dir, key.jwks);
    await serverRun(t, async () => {
      // The jose baseline holds no store; warming it would sign thousands of tokens for nothing.
      if (kind !== 'express+jose')
        await warmServer(
          {
            target: kind,
            record: 'typical',
            auth: 'off',
            origin: t.origin,
            request: post(SERVICE_IDS[0], records.typical(SERVICE_IDS[0])),
          },
          s,
          serverWarmupSec,
        );
      for (const rec of recs) {
        const jwt = kind === 'express+jose';
        rows.push(
          ...(await runCase(
            {
              target: kind,
              record: rec,
              auth: jwt ? 'jwt' : 'off',
              origin: t.origin,
              request: post(SERVICE_IDS[0], records[rec](SERVICE_IDS[0])),
              ...(jwt ? { sign: (n: number) => signTokens(key, SERVICE_IDS[0], n), upper: upperOf('express', rec) } : {}),
            },
            s,
          )),
        );
      }
    });
  }
}

async function serviceAuthOff(): Promise<void> {
  const t = await startService({ auth: 'off', logDir: dir });
  await serverRun(t, async () => {
    const first = SERVICE_IDS[0];
    await warmServer(
      { target: first, record: 'typical', auth: 'off', origin: t.origin, request: post(first, records.typical(first)) },
      s,
      serverWarmupSec,
    );
    for (const rec of ['typical', 'heavy'] as const) {
      for (const id of quick ? SERVICE_IDS.slice(0, 1) : SERVICE_IDS)
        rows.push(...(await runCase({ target: id, record: rec, auth: 'off', origin: t.origin, request: post(id, records[rec](id)) }, s)));
    }
    // The same woman every call: the notice and findings of the first call are reused (docs/design.md#notice-reuse).
    const referral = SERVICE_IDS[0];
    rows.push(
      ...(await runCase(
        { target: referral, record: 'repeat', auth: 'off', origin: t.origin, request: post(referral, records.typical(referral), false) },
        s,
      )),
    );
    if (quick) return;
    const all = new Map<string, unknown>();
    for (const id of SERVICE_IDS)
      for (const r of prefetchResources(records.typical(id))) all.set(`${String(r.resourceType)}/${String(r.id)}`, r);
    const recordFile = join(dir, 'fhir-record.json');
    writeFileSync(recordFile, JSON.stringify([...all.values()]));
    const fhir = await startFhirServer(recordFile, dir);
    try {
      for (const id of SERVICE_IDS) {
        rows.push(
          ...(await runCase(
            {
              target: id,
              record: 'fallback',
              auth: 'off',
              origin: t.origin,
              // The FHIR server holds the one example woman: the same every call.
              request: post(id, fallbackRequest(id, `${fhir.origin}/fhir`), false),
            },
            s,
          )),
        );
      }
    } finally {
      await finish(fhir);
    }
  });
}

async function serviceAuthOn(key: BenchKey): Promise<void> {
  const t = await startService({ auth: 'jwt', trustedIssuers: trustedIssuers(key), logDir: dir });
  const recs = process.env.BENCH_HEAVY_AUTH === '1' ? (['typical', 'heavy'] as const) : (['typical'] as const);
  await serverRun(t, async () => {
    const first = SERVICE_IDS[0];
    await warmServer(
      {
        target: first,
        record: 'typical',
        auth: 'jwt',
        origin: t.origin,
        request: post(first, records.typical(first)),
        sign: (n) => signTokens(key, first, n),
        upper: upperOf(first, 'typical'),
      },
      s,
      serverWarmupSec,
    );
    for (const rec of recs) {
      for (const id of SERVICE_IDS) {
        rows.push(
          ...(await runCase(
            {
              target: id,
              record: rec,
              auth: 'jwt',
              origin: t.origin,
              request: post(id, records[rec](id)),
              sign: (n) => signTokens(key, id, n),
              upper: upperOf(id, rec),
            },
            s,
          )),
        );
      }
    }
  });
}

function micro(): unknown {
  const out = execFileSync(
    'taskset',
    [
      '-c',
      String(SERVER_CORE),
      process.execPath,
      '--import',
      'tsx',
      join(import.meta.dirname, 'micro-engine.ts'),
      String(Math.min(duration, 5) * 400),
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(out.trim().split('\n').pop() ?? '{}');
}

const sizes = Object.fromEntries(
  SERVICE_IDS.map((id) => [
    id,
    {
      typical: { resources: prefetchResources(records.typical(id)).length, bytes: Buffer.byteLength(JSON.stringify(records.typical(id))) },
      heavy: { resources: prefetchResources(records.heavy(id)).length, bytes: Buffer.byteLength(JSON.stringify(records.heavy(id))) },
    },
  ]),
);
// The service and the durable echo both take DATABASE_URL from the environment when it is set.
const storeEngine = process.env.DATABASE_URL === undefined ? 'pglite' : 'postgresql';
console.log(`bench: ${duration}s per phase, warm-up ${s.warmupSec}s, store ${storeEngine}, work dir ${dir}`);
if (!quick) console.log('micro-benchmark (rule engine, typical record)…');
const engine = quick ? undefined : micro();
if (engine !== undefined) console.log(JSON.stringify(engine));
const key = await makeBenchKey();
console.log('baselines…');
await baselines(key);
console.log('prenatal-cds, auth off (prefetch typical, heavy; then FHIR fallback)…');
await serviceAuthOff();
if (!quick) {
  console.log('prenatal-cds, auth jwt (fresh ES384 token per request)…');
  await serviceAuthOn(key);
}
addRatios(rows);
console.log(formatTable(rows));
const targets = checkTargets(rows);
console.log(`targets (store on, auth off, same run):\n${formatTargets(targets)}`);
console.log('servers:', JSON.stringify(servers, null, 1));
const resultsFile = join(RESULTS_DIR, quick ? 'quick.json' : 'latest.json');
writeJson(resultsFile, {
  at: new Date().toISOString(),
  node: process.version,
  cpus: 2,
  pinning: { server: SERVER_CORE, load: 1 },
  settings: s,
  store: storeEngine,
  sizes,
  engine,
  servers,
  targets,
  rows,
});
console.log(`results: ${resultsFile}`);
