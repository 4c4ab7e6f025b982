/**
 * What one woman with a long history costs the compliance summary (docs/design.md#qc-summary): the
 * service from dist/ (embedded store, auth off, its background refresher running as in production)
 * is sent the same referral request for `--seconds` — a hospital's test patient, the bench's repeat
 * phase — then stopped; on its data directory her fold is timed alone, read by read.
 *
 *   npm run build && node --import tsx test/bench/long-history.ts [--seconds 40] [--connections 4] [--rounds 3] [--data-dir DIR]
 *
 * With `--data-dir` an existing data directory (of this script or of `npm run bench`) is measured
 * without sending anything: the woman with the most calls. Prints a line per measure and a JSON line.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { summaryFacts } from '../../src/qc/compliance-summary.js';
import { readWomenTimed } from '../../src/store/compliance-summary.js';
import { createStore } from '../../src/store/create-store.js';
import { runCannon } from './lib/cannon.js';
import { paddedRequest, SERVICE_IDS } from './lib/records.js';
import { SHANGHAI_SUMMARY } from './lib/qc-scale-data.js';
import { runDir } from './lib/settings.js';
import { finish, LOAD_CORE, startService } from './lib/targets.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '40' },
    connections: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    'data-dir': { type: 'string' },
  },
});

const settings = SHANGHAI_SUMMARY;

let dataDir = args['data-dir'];
if (dataDir === undefined) {
  const dir = runDir('long-history');
  const t = await startService({ auth: 'off', logDir: dir });
  dataDir = t.dataDir;
  const referral = SERVICE_IDS[0];
  const body = JSON.stringify(paddedRequest(referral, 50));
  try {
    const r = await runCannon(
      {
        origin: t.origin,
        connections: Number(args.connections),
        durationSec: Number(args.seconds),
        requests: [{ method: 'POST', path: `/cds-services/${referral}`, headers: { 'content-type': 'application/json' }, body }],
      },
      dir,
      LOAD_CORE,
    );
    console.log(
      `sent the same woman ${r.total} times: ${r.requestsPerSec.toFixed(0)} req/s, p99 ${r.latency.p99} ms, max ${r.latency.max} ms, non-2xx ${r.non2xx}`,
    );
  } finally {
    await finish(t);
  }
}

const store = await createStore({ databaseUrl: undefined, dataDir });
try {
  const [top] = await store.sql.query<{ patient_id: string; n: number }>(
    'SELECT patient_id, count(*)::int AS n FROM hook_call WHERE patient_id IS NOT NULL GROUP BY patient_id ORDER BY n DESC LIMIT 1',
  );
  if (!top) throw new Error(`no hook call in ${dataDir}`);
  console.log(`woman ${top.patient_id}: ${top.n} calls (data directory ${dataDir})`);
  const rounds = [];
  for (let i = 0; i < Number(args.rounds); i++) {
    const reads = await store.sql.transaction((tx) => readWomenTimed(tx, [top.patient_id]));
    const t = performance.now();
    const facts = summaryFacts(reads.rows, settings);
    const factsMs = performance.now() - t;
    await store.sql.query(
      'INSERT INTO qc_summary_dirty (patient_id, version) VALUES ($1, 1) ON CONFLICT (patient_id) DO UPDATE SET version = qc_summary_dirty.version + 1',
      [top.patient_id],
    );
    const f = performance.now();
    await store.audit.refreshSummary(settings, { maxWomen: 1, batch: 1 });
    const foldMs = performance.now() - f;
    const round = {
      readMs: Object.fromEntries(Object.entries(reads.ms).map(([k, v]) => [k, Math.round(v)])),
      rows: Object.fromEntries(Object.entries(reads.rows).map(([k, v]) => [k, (v as unknown[]).length])),
      factsMs: Math.round(factsMs),
      pregnancies: facts.compliance.length,
      foldMs: Math.round(foldMs),
    };
    console.log(
      `fold ${round.foldMs} ms; facts ${round.factsMs} ms; reads ${JSON.stringify(round.readMs)}; rows ${JSON.stringify(round.rows)}`,
    );
    rounds.push(round);
  }
  console.log(JSON.stringify({ patientId: top.patient_id, calls: top.n, rounds }));
} finally {
  await store.close();
}
