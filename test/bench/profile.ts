/**
 * Profiles our service on one service and record: starts it from dist/ under `node --cpu-prof`
 * (pinned to core 0, auth off, embedded store), drives it with autocannon from core 1, stops it and
 * prints the top self-time functions. Find the time before optimising.
 * Run: `npm run build && node --import tsx test/bench/profile.ts [serviceId] [typical|heavy] [seconds] [connections]`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCannon } from './lib/cannon.js';
import { paddedRequest, SERVICE_IDS, type BenchServiceId } from './lib/records.js';
import { runDir } from './lib/settings.js';
import { finish, LOAD_CORE, startService } from './lib/targets.js';
import { summariseProfile } from './profile-summary.js';

const service = (process.argv[2] ?? SERVICE_IDS[0]) as BenchServiceId;
if (!SERVICE_IDS.includes(service)) throw new Error(`unknown service ${service}; one of ${SERVICE_IDS.join(', ')}`);
const record = process.argv[3] === 'heavy' ? 1000 : 50;
const seconds = Number(process.argv[4] ?? 10);
const connections = Number(process.argv[5] ?? 1);
const dir = runDir('profile');
const profDir = join(dir, 'cpuprofile');

const t = await startService({ auth: 'off', logDir: dir, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] });
const body = paddedRequest(service, record);
const request = {
  method: 'POST' as const,
  path: `/cds-services/${service}`,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
  // A new woman per request, as the bench's typical and heavy phases (no notice reuse).
  fresh: body.context.patientId,
};
try {
  await runCannon({ origin: t.origin, connections, durationSec: Math.min(3, seconds), requests: [request] }, dir, LOAD_CORE);
  const r = await runCannon({ origin: t.origin, connections, durationSec: seconds, requests: [request] }, dir, LOAD_CORE);
  console.log(
    `${service} ${record} resources c${connections}: ${r.requestsPerSec.toFixed(0)} req/s p50 ${r.latency.p50} ms p99 ${r.latency.p99} ms non2xx ${r.non2xx} (startup ${t.startupMs} ms)`,
  );
} finally {
  await finish(t);
}
const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${profDir}`);
console.log(summariseProfile(join(profDir, file), Number(process.env.PROFILE_TOP ?? 30)));
