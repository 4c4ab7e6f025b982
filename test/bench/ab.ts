/**
 * `node --import tsx test/bench/ab.ts <other checkout>`: this build against another built checkout
 * (e.g. a `git worktree` of the commit before a change, after `npm ci && npm run build` there),
 * alternated round by round so that the machine's drift falls on both: express, then the two
 * services in alternating order, each with referral typical (c=1, c=10) and heavy (c=1), a new woman
 * per request. Table on stdout, JSON in test-results/bench/ab.json. Env: BENCH_DURATION (s per phase,
 * default 5), BENCH_ROUNDS (default 3), BENCH_WARMUP.
 */
import { resolve } from 'node:path';
import { runCase, type Settings } from './lib/phases.js';
import { paddedRequest, type HookBody } from './lib/records.js';
import type { Row } from './lib/report.js';
import { writeJson } from './lib/report.js';
import { envNumber, RESULTS_DIR, runDir } from './lib/settings.js';
import { finish, startBaseline, startService, type Target } from './lib/targets.js';

const other = process.argv[2];
if (!other) throw new Error('usage: ab.ts <path of another built checkout>');
const OTHER = resolve(other);
const SERVICE = 'prenatal-diagnosis-referral';
const dir = runDir('ab');
const duration = envNumber('BENCH_DURATION', 5);
const rounds = envNumber('BENCH_ROUNDS', 3);
const s: Settings = { durationSec: duration, warmupSec: envNumber('BENCH_WARMUP', 3), probeSec: 2, probeRate: 20, workDir: dir };
/** A new woman per request, as the bench's typical and heavy phases: no notice or findings reused. */
const post = (body: HookBody) => ({
  method: 'POST' as const,
  path: `/cds-services/${SERVICE}`,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
  fresh: body.context.patientId,
});
const typical = post(paddedRequest(SERVICE, 50));
const heavy = post(paddedRequest(SERVICE, 1000));

interface Measured {
  round: number;
  build: string;
  record: string;
  phase: string;
  rps: number;
  p99: number;
  ratio: number;
  load1: number;
}
const out: Measured[] = [];

async function measure(t: Target, build: string, round: number, express: readonly Row[]): Promise<void> {
  try {
    for (const [record, request] of [
      ['typical', typical],
      ['heavy', heavy],
    ] as const) {
      const rows = await runCase({ target: build, record, auth: 'off', origin: t.origin, request }, s);
      for (const r of rows.filter((x) => (record === 'typical' ? x.phase !== 'probe' : x.phase === 'c1'))) {
        const base = express.find((e) => e.record === record && e.phase === r.phase)?.result.requestsPerSec ?? NaN;
        out.push({
          round,
          build,
          record,
          phase: r.phase,
          rps: Math.round(r.result.requestsPerSec),
          p99: r.result.latency.p99,
          ratio: Math.round((r.result.requestsPerSec / base) * 1000) / 1000,
          load1: Math.round((r.loadAvg1 ?? 0) * 10) / 10,
        });
      }
    }
  } finally {
    await finish(t);
  }
}

for (let round = 1; round <= rounds; round++) {
  const e = await startBaseline('express', dir);
  const express: Row[] = [];
  try {
    express.push(...(await runCase({ target: 'express', record: 'typical', auth: 'off', origin: e.origin, request: typical }, s)));
    express.push(...(await runCase({ target: 'express', record: 'heavy', auth: 'off', origin: e.origin, request: heavy }, s)));
  } finally {
    await finish(e);
  }
  const builds = round % 2 === 1 ? (['this', 'other'] as const) : (['other', 'this'] as const);
  for (const b of builds) {
    const t = await startService({ auth: 'off', logDir: dir, ...(b === 'other' ? { checkout: OTHER } : {}) });
    await measure(t, b, round, express);
  }
  console.log(`round ${round} done`);
}
console.log('round build record phase   req/s  p99  ÷express load1');
for (const m of out) {
  console.log(
    `${m.round}     ${m.build.padEnd(5)} ${m.record.padEnd(7)} ${m.phase.padEnd(5)} ${String(m.rps).padStart(6)} ${String(m.p99).padStart(4)} ${m.ratio.toFixed(3).padStart(7)} ${m.load1}`,
  );
}
writeJson(`${RESULTS_DIR}ab.json`, { at: new Date().toISOString(), other: OTHER, settings: s, rows: out });
