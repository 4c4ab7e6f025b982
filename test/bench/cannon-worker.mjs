// Load generator child (pinned to its own core by the harness): runs autocannon once, bounded by
// `duration`, and writes a compact summary as JSON. Usage: node cannon-worker.mjs <config.json>
// config: { url, connections, duration, overallRate?, out, requests: [{ method, path, headers, body, fresh? }],
//           tokensFile?: JSON { [path]: string[] } — one fresh JWT per request, never reused }
// `fresh`: a patient id; every occurrence of it in the body is replaced by a new id per request
// (`<id>-<pid>-<n>`), so each request is another woman and nothing stored for one call serves the next.
import process from 'node:process';
import { readFileSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const tokens = cfg.tokensFile ? JSON.parse(readFileSync(cfg.tokensFile, 'utf8')) : undefined;
const next = new Map();
let exhausted = 0;

function withToken(req) {
  const pool = tokens[req.path] ?? [];
  const i = next.get(req.path) ?? 0;
  next.set(req.path, i + 1);
  if (i >= pool.length) exhausted += 1;
  const token = pool[i % Math.max(pool.length, 1)] ?? 'none';
  return { ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } };
}

let fresh = 0;
function withPatient(req) {
  fresh += 1;
  return { ...req, body: req.body.split(req.fresh).join(`${req.fresh}-${process.pid}-${fresh}`) };
}

const requests = cfg.requests.map((r) => {
  const setups = [...(r.fresh ? [withPatient] : []), ...(tokens ? [withToken] : [])];
  const { fresh: _patient, ...plain } = r;
  if (setups.length === 0) return plain;
  return { ...plain, setupRequest: (req) => setups.reduce((x, f) => f({ ...x, fresh: r.fresh }), req) };
});
const opts = {
  url: cfg.url,
  connections: cfg.connections,
  duration: cfg.duration,
  timeout: 30,
  requests,
  ...(cfg.overallRate ? { overallRate: cfg.overallRate } : {}),
};
const result = await autocannon(opts);
const used = [...next.values()].reduce((a, b) => a + b, 0);
writeFileSync(
  cfg.out,
  JSON.stringify({
    requestsPerSec: result.requests.average,
    total: result.requests.total,
    latency: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
    },
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
    throughputBytesPerSec: result.throughput.average,
    tokensUsed: tokens ? used : undefined,
    tokensExhausted: tokens ? exhausted : undefined,
  }),
);
