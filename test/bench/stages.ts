/**
 * Where one hook call's time goes, stage by stage, in one process without HTTP: the body read and
 * parse (`readJsonBody` over the request bytes), validation, the snapshot (prefetch → shape check →
 * frozen snapshot), the service, the audit write (PGlite in a temp data directory, as
 * `npm start` runs it) and the answer's JSON. Median and p90 of each stage in ms, after the first
 * third of the iterations (warm-up) is dropped. Run pinned, e.g.
 *
 *   taskset -c 0 node --import tsx test/bench/stages.ts [serviceId] [typical|heavy] [iterations] [--alloc] [--same]
 *
 * `--alloc` also samples every allocation of the warm iterations, garbage included (V8's sampling
 * heap profiler with the objects collected by minor and major GCs), and prints the KB allocated per
 * call in all and by allocating function; a builtin such as `keys` is named with its caller. The
 * timings of an `--alloc` run are slower than without it: compare them only with each other.
 *
 * Each call is a new woman (her patient id rewritten), as in the bench's typical phases, so that notice
 * reuse cannot flatter the service and the write; `--same` sends the same woman every call.
 *
 * The server adds socket reads, express, the response write and the access log on top.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { Session } from 'node:inspector/promises';
import { compose } from '../../src/compose.js';
import { loadConfig } from '../../src/config/load.js';
import { hookCallRecord } from '../../src/http/hook-call-record.js';
import { readJsonBody } from '../../src/http/read-json-body.js';
import { validateHookRequest } from '../../src/http/validate-hook-request.js';
import { createLogger } from '../../src/log.js';
import { createStore } from '../../src/store/create-store.js';
import { paddedRequest, SERVICE_IDS, type BenchServiceId } from './lib/records.js';
import { warmQuantile, warmUpCount } from './lib/report.js';
import { frameLabel } from './profile-summary.js';

const service = (process.argv[2] ?? SERVICE_IDS[0]) as BenchServiceId;
if (!SERVICE_IDS.includes(service)) throw new Error(`unknown service ${service}; one of ${SERVICE_IDS.join(', ')}`);
const record = process.argv[3] === 'heavy' ? 'heavy' : 'typical';
const iterations = Number(process.argv[4] ?? (record === 'heavy' ? 300 : 3000));
const warm = warmUpCount(iterations);
const alloc = process.argv.includes('--alloc') ? new Session() : undefined;

const dir = mkdtempSync(join(tmpdir(), 'bench-stages-'));
// DATABASE_URL set: the PostgreSQL store, as the service would use it; else PGlite in a temp DATA_DIR.
const database = process.env.DATABASE_URL === undefined ? {} : { DATABASE_URL: process.env.DATABASE_URL };
const config = loadConfig({ DATA_DIR: join(dir, 'data'), AUTH_MODE: 'off', LOG_LEVEL: 'silent', ...database });
const composition = await compose(config, createLogger(config), { store: createStore(config) });
const { deps } = composition;
const def = deps.definitions.find((d) => d.id === service);
if (!def) throw new Error(`no definition for ${service}`);
const request0 = paddedRequest(service, record === 'heavy' ? 1000 : 50);
const text = JSON.stringify(request0);
/** `--same`: the same woman every call (her notice and findings reused); else a new woman per call, as the bench's typical phases. */
const same = process.argv.includes('--same');
const patientId = request0.context.patientId;

/** The request as `readJsonBody` sees it from node:http: a readable of the body bytes with headers. */
function incoming(i: number): IncomingMessage {
  const bytes = same ? Buffer.from(text) : Buffer.from(text.split(patientId).join(`${patientId}-${i}`));
  return Object.assign(Readable.from([bytes]), {
    headers: { 'content-type': 'application/json', 'content-length': String(bytes.length) },
    complete: true,
  }) as unknown as IncomingMessage;
}

const STAGES = ['body', 'validate', 'snapshot', 'service', 'record', 'stringify'] as const;
const times: Record<(typeof STAGES)[number], number[]> = { body: [], validate: [], snapshot: [], service: [], record: [], stringify: [] };
let allocations: { perCallKb: number; top: [string, number][] } | undefined;
try {
  alloc?.connect();
  for (let i = 0; i < iterations; i += 1) {
    if (alloc && i === warm) {
      await alloc.post('HeapProfiler.startSampling', {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    }
    // Her body is written before the clock starts: the load generator's work, not the service's.
    const req = incoming(i);
    let t = performance.now();
    const lap = (stage: (typeof STAGES)[number]): void => {
      const u = performance.now();
      times[stage].push(u - t);
      t = u;
    };
    const body = await readJsonBody(req, config.bodyLimitBytes);
    lap('body');
    const request = validateHookRequest(def, body);
    lap('validate');
    const snapshot = await deps.loadSnapshot(def, request, new AbortController().signal);
    lap('snapshot');
    const now = deps.clock.now();
    const result = await deps.services[def.id]({ snapshot, request, now });
    lap('service');
    await deps.recordHookCall(hookCallRecord({ def, request, auth: { issuer: 'bench' }, now, status: 200, latencyMs: 1, result }));
    lap('record');
    JSON.stringify({ cards: result.cards.map((c) => c.card) });
    lap('stringify');
  }
  if (alloc) allocations = byFunction((await alloc.post('HeapProfiler.stopSampling')).profile.head, iterations - warm);
} finally {
  alloc?.disconnect();
  await composition.close();
  rmSync(dir, { recursive: true, force: true });
}

const summary = Object.fromEntries(STAGES.map((s) => [s, { p50: warmQuantile(times[s], 0.5), p90: warmQuantile(times[s], 0.9) }]));
console.log(`${service} ${record}${same ? ' same woman' : ''} (${Buffer.byteLength(text)} bytes), ${iterations} iterations; ms p50/p90:`);
for (const s of STAGES) console.log(`  ${s.padEnd(10)} ${String(summary[s]?.p50).padStart(7)} ${String(summary[s]?.p90).padStart(7)}`);
if (allocations) {
  console.log(`allocated per call: ${allocations.perCallKb} KB; by function, KB per call:`);
  for (const [name, kb] of allocations.top) console.log(`  ${String(kb).padStart(7)}  ${name}`);
}
console.log(JSON.stringify({ service, record, bytes: Buffer.byteLength(text), iterations, stages: summary, allocations }));

/** Self size of a sampling heap profile summed by function (a builtin with its caller), per call. */
function byFunction(head: HeapNode, calls: number): { perCallKb: number; top: [string, number][] } {
  const sizes = new Map<string, number>();
  let total = 0;
  const stack: { node: HeapNode; caller: string }[] = [{ node: head, caller: '' }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const name = frameLabel(item.node.callFrame);
    const label = item.node.callFrame.url ? name : `${name} <- ${item.caller}`;
    total += item.node.selfSize;
    if (item.node.selfSize > 0) sizes.set(label, (sizes.get(label) ?? 0) + item.node.selfSize);
    for (const node of item.node.children) stack.push({ node, caller: name });
  }
  const kb = (bytes: number) => Number((bytes / calls / 1024).toFixed(1));
  const top = [...sizes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 30)
    .map(([name, bytes]): [string, number] => [name, kb(bytes)]);
  return { perCallKb: kb(total), top };
}

type HeapNode = { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: HeapNode[] };
