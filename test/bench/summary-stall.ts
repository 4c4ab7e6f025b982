/**
 * How long the compliance summary's refresh holds the event loop — and so every hook call of the
 * process — on the embedded store (docs/design.md#qc-summary). A province of generated calls
 * (test/bench/lib/qc-scale-data.ts) in a PGlite data directory on disk; then, with a 1 ms interval
 * timer recording the longest gap between its ticks:
 *
 * - a rebuild: other settings stored, then one refresh (every woman marked again, then `batch`
 *   women folded in);
 * - `rounds` background rounds of `round` women each, `batch` per transaction, as the server's
 *   refresher runs them, a pause apart.
 *
 *   node --import tsx test/bench/summary-stall.ts [--calls 300000] [--batch 50] [--round 200] [--rounds 3] [--data-dir DIR]
 *
 * With `--data-dir` the province is kept and reused (its generation takes ≈ 90 s a million calls);
 * without, it is generated in a temporary directory and removed. Prints a line per measure and a
 * JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createStore } from '../../src/store/create-store.js';
import { generateProvince, SHANGHAI_SUMMARY } from './lib/qc-scale-data.js';

const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '300000' },
    batch: { type: 'string', default: '50' },
    round: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
    'data-dir': { type: 'string' },
  },
});
const batch = Number(args.batch);
const round = Number(args.round);

const settings = SHANGHAI_SUMMARY;

/** `fn`'s result, its wall time and the longest gap between ticks of a 1 ms timer while it ran. */
async function stalls<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number; longestMs: number; ticks: number }> {
  let last = performance.now();
  let longest = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    ticks += 1;
  }, 1);
  const start = performance.now();
  const result = await fn();
  const end = performance.now();
  clearInterval(timer);
  longest = Math.max(longest, end - last);
  return { result, ms: Math.round(end - start), longestMs: Math.round(longest), ticks };
}

const temp = args['data-dir'] === undefined ? mkdtempSync(join(tmpdir(), 'summary-stall-')) : undefined;
const store = await createStore({ databaseUrl: undefined, dataDir: args['data-dir'] ?? join(temp!, 'data') });
try {
  const [calls] = await store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM hook_call');
  if (calls!.n === 0) {
    const t = performance.now();
    const shape = { calls: Number(args.calls), institutions: 30, year: 2026, indicatedRate: 0.17, noticeBytes: 9000 };
    await generateProvince(store.sql, shape, () => undefined);
    console.log(`generated ${shape.calls} calls in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  const [women] = await store.sql.query<{ n: number }>('SELECT count(DISTINCT patient_id)::int AS n FROM hook_call');
  console.log(`${women!.n} women`);

  // Other settings stored (as after a CLINIC_TIMEZONE change): the next refresh rebuilds.
  await store.sql.query(
    `INSERT INTO qc_summary_state (id, settings) VALUES (1, 'other settings') ON CONFLICT (id) DO UPDATE SET settings = EXCLUDED.settings`,
  );
  const rebuild = await stalls(() => store.audit.refreshSummary(settings, { maxWomen: batch, batch, wait: false }));
  console.log(`rebuild, then ${rebuild.result} women: ${rebuild.ms} ms, longest pause ${rebuild.longestMs} ms, ${rebuild.ticks} ticks`);

  const rounds: Awaited<ReturnType<typeof stalls<number>>>[] = [];
  for (let i = 0; i < Number(args.rounds); i++) {
    await sleep(500);
    const r = await stalls(() => store.audit.refreshSummary(settings, { maxWomen: round, batch, wait: false }));
    console.log(`round of ${r.result} women, ${batch} a transaction: ${r.ms} ms, longest pause ${r.longestMs} ms, ${r.ticks} ticks`);
    rounds.push(r);
  }
  console.log(JSON.stringify({ women: women!.n, batch, rebuild, rounds }));
} finally {
  await store.close();
  if (temp !== undefined) rmSync(temp, { recursive: true, force: true });
}
