/**
 * Legitimate latency under unauthenticated gzip bombs (docs/design.md#authentication): the service
 * (JWT mode, in-memory PGlite) runs in a child process; six attacker connections loop POSTing a
 * ≈ 12 KB gzip body that inflates to ≈ 4.9 MB of small JSON objects (under BODY_LIMIT_BYTES) with
 * no Authorization header, while one client makes sequential good referral calls with valid
 * tokens. Prints p50/p90 of the good calls without and with the attackers, and how many bombs
 * were answered. Not part of `npm test`.
 *
 *   node --import tsx test/bench/auth-bomb.ts [calls=200] [attackers=6]
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

const SERVICE = '/cds-services/prenatal-diagnosis-referral';

const ISS = 'https://ehr.bench.example/oauth';
const BASE = 'https://cds.bench.example';
const KID = 'bench-bomb-1';

/** The child: the production composition (JWT mode, in-memory PGlite) trusting the driver's key. */
async function serve(): Promise<void> {
  const { loadConfig } = await import('../../src/config/load.js');
  const { compose } = await import('../../src/compose.js');
  const { createLogger } = await import('../../src/log.js');
  const { createApp } = await import('../../src/app.js');
  const { createServer } = await import('node:http');
  const config = loadConfig({
    PUBLIC_BASE_URL: BASE,
    AUTH_MODE: 'jwt',
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'silent',
    // Limit off: this measures what an unauthenticated body costs, not the 429.
    AUTH_FAILURE_LIMIT_PER_MINUTE: '0',
    TRUSTED_ISSUERS: JSON.stringify([{ iss: ISS, jwks: { keys: [JSON.parse(process.env.BENCH_JWK ?? '{}')] }, fhirServers: [] }]),
  });
  const composition = await compose(config, createLogger(config));
  const server = createServer(createApp(composition.deps));
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as { port: number }).port}\n`));
}

function bomb(): Buffer {
  const item = '{"resourceType":"Observation","status":"final","valueString":"孕妇"},';
  const json = `{"hook":"patient-view","hookInstance":"${randomUUID()}","context":{"x":[${item.repeat(70_000)}{}]}}`;
  return gzipSync(Buffer.from(json, 'utf8'), { level: 9 });
}

function post(agent: Agent, port: number, body: Buffer, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: SERVICE, method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

async function drive(calls: number, attackers: number): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair('ES384');
  const jwk = { ...(await exportJWK(publicKey)), kid: KID, alg: 'ES384', use: 'sig' };
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_JWK: JSON.stringify(jwk) },
  });
  const port = Number(await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString()))));
  const { goodReferral } = await import('../fuzz/support/fuzz-check.js');
  const token = (): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: ISS, sub: 'ehr-client', aud: `${BASE}${SERVICE}`, exp: now + 300, iat: now, jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: KID })
      .sign(privateKey);
  };
  const good = new Agent({ keepAlive: true, maxSockets: 1 });
  const goodCalls = async (n: number): Promise<number[]> => {
    const ms: number[] = [];
    for (let i = 0; i < n; i += 1) {
      const body = Buffer.from(JSON.stringify(goodReferral()), 'utf8');
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${await token()}` };
      const t0 = performance.now();
      const status = await post(good, port, body, headers);
      ms.push(performance.now() - t0);
      if (status !== 200) throw new Error(`good call answered ${status}`);
    }
    return ms;
  };
  await goodCalls(20); // warm-up
  const quiet = await goodCalls(calls);
  const payload = bomb();
  let running = true;
  let bombs = 0;
  const statuses = new Map<number, number>();
  const attack = async (): Promise<void> => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    while (running) {
      const s = await post(agent, port, payload, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      statuses.set(s, (statuses.get(s) ?? 0) + 1);
      bombs += 1;
    }
    agent.destroy();
  };
  const loops = Array.from({ length: attackers }, attack);
  const t0 = performance.now();
  const loaded = await goodCalls(calls);
  const seconds = (performance.now() - t0) / 1000;
  running = false;
  await Promise.all(loops);
  good.destroy();
  child.kill('SIGTERM');
  const f = (x: number): string => x.toFixed(1);
  console.log(`bomb: ${payload.length} bytes gzip; ${attackers} attackers; ${calls} good calls each phase`);
  console.log(`quiet:        p50 ${f(pct(quiet, 50))} ms  p90 ${f(pct(quiet, 90))} ms`);
  console.log(`under attack: p50 ${f(pct(loaded, 50))} ms  p90 ${f(pct(loaded, 90))} ms`);
  console.log(
    `bombs answered: ${bombs} in ${seconds.toFixed(1)} s (${f(bombs / seconds)}/s), statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
  );
}

if (process.argv[2] === 'serve') await serve();
else await drive(Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 6));
