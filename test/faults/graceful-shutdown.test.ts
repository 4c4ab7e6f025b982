import { Agent, request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { sendJson, startFhirStub, type FhirStub } from '../fhir/support/fhir-stub.js';
import { goodReferral } from '../fuzz/support/fuzz-check.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

/**
 * The real entry point (`node --import tsx src/main.ts`, embedded store in a temp DATA_DIR): a
 * SIGTERM while a hook call waits on a slow FHIR server lets that call finish (200), then the
 * process closes the store and exits 0 — also under keep-alive load, where connections are never
 * idle: requests in flight and those arriving on open connections are answered with
 * `Connection: close`, and the drain ends (src/http/http-server.ts).
 */
const FHIR_DELAY_MS = 1_500;
const OBS = '/fhir/Observation?patient=p-zhang-li-1989&_count=1000';
/** The same query on another base path (`<fhirServer>/held`), held until the test releases it. */
const HELD = OBS.replace('/fhir/', '/fhir/held/');
let release: () => void = () => undefined;
const released = new Promise<void>((resolve) => {
  release = resolve;
});
let stub: FhirStub;
let server: ServerProcess | undefined;

beforeAll(async () => {
  const observations = goodReferral().prefetch.observations;
  stub = await startFhirStub({
    [OBS]: (_req, res) => {
      const t = setTimeout(() => sendJson(res, 200, observations), FHIR_DELAY_MS);
      res.on('close', () => clearTimeout(t));
    },
    [HELD]: (_req, res) => {
      void released.then(() => sendJson(res, 200, observations));
    },
  });
});

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

afterAll(async () => {
  await stub.close();
});

/** A referral hook call whose observations must be fetched from the (slow) stub. */
function slowHookCall(held = false): string {
  const body = {
    ...goodReferral(),
    fhirServer: held ? `${stub.fhirServer}/held` : stub.fhirServer,
    fhirAuthorization: { access_token: 't', token_type: 'Bearer', expires_in: 300, scope: 's', subject: 'c' },
  };
  body.prefetch = { ...body.prefetch };
  delete body.prefetch.observations;
  return JSON.stringify(body);
}

it('SIGTERM drains the in-flight hook call, then exits 0', async () => {
  server = await startServerProcess({ FHIR_TIMEOUT_MS: '10000' });
  const inFlight = fetch(`${server.origin}/cds-services/prenatal-diagnosis-referral`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: slowHookCall(),
  });
  await stub.inFlightReached(1);
  server.proc.kill('SIGTERM');

  const res = await inFlight;
  expect(res.status).toBe(200);
  expect(((await res.json()) as { cards: unknown[] }).cards).toHaveLength(1);
  expect(await server.exited, server.output().slice(-2000)).toBe(0);
  expect(server.output()).toContain('shutting down');
  await expect(fetch(`${server.origin}/healthz`)).rejects.toThrow();
}, 60_000);

/** One request through a keep-alive agent: its status and `Connection` header, or the socket error code. */
interface Outcome {
  readonly status?: number;
  readonly connection?: string;
  readonly error?: string;
  readonly body?: string;
}

function send(agent: Agent, port: number, path: string, body?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: body === undefined ? 'GET' : 'POST',
        agent,
        headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            connection: String(res.headers.connection ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end(body);
  });
}

it('SIGTERM under keep-alive load: in-flight requests answered with Connection: close, exit 0 within the drain bound', async () => {
  server = await startServerProcess({ FHIR_TIMEOUT_MS: '30000' });
  const { port } = server;
  const agents = Array.from({ length: 4 }, () => new Agent({ keepAlive: true, maxSockets: 4 }));
  let exited = false;
  void server.exited.then(() => {
    exited = true;
  });
  const before: Outcome[] = [];
  const after: Outcome[] = [];
  let sigtermSent = false;
  // 16 workers, 4 keep-alive sockets per agent, each sending its next request as soon as the last is
  // answered: hook calls (answered from prefetch, after their audit write) and readiness checks (a
  // store query) — requests that wait on IO, so a connection is rarely idle when SIGTERM comes.
  const referral = JSON.stringify(goodReferral());
  const workers = agents.flatMap((agent) =>
    Array.from({ length: 4 }, async (_, i) => {
      while (!exited) {
        const outcome =
          i % 2 === 0 ? await send(agent, port, '/cds-services/prenatal-diagnosis-referral', referral) : await send(agent, port, '/readyz');
        (sigtermSent ? after : before).push(outcome);
        if (outcome.error && sigtermSent) break;
      }
    }),
  );
  // Slow hook calls on keep-alive connections too: in flight (waiting on FHIR) when SIGTERM comes.
  const hookAgent = new Agent({ keepAlive: true, maxSockets: 3 });
  const hookCalls = Array.from({ length: 3 }, () => send(hookAgent, port, '/cds-services/prenatal-diagnosis-referral', slowHookCall(true)));
  await stub.inFlightReached(3);
  while (before.length < 200) await new Promise((resolve) => setImmediate(resolve));
  sigtermSent = true;
  server.proc.kill('SIGTERM');
  // The held FHIR answers go out once the server is draining: the hook calls were in flight throughout.
  while (!server.output().includes('shutting down')) await new Promise((resolve) => setTimeout(resolve, 20));
  release();

  const hooks = await Promise.all(hookCalls);
  const code = await server.exited;
  await Promise.all(workers);
  for (const a of [...agents, hookAgent]) a.destroy();

  expect(code, server.output().slice(-3000)).toBe(0);
  expect(server.output()).not.toContain('did not finish in time');
  for (const h of hooks) {
    expect(h.status).toBe(200);
    expect(h.connection).toBe('close');
    expect((JSON.parse(h.body ?? '{}') as { cards?: unknown[] }).cards).toHaveLength(1);
  }
  expect(before.every((o) => o.status === 200)).toBe(true);
  // After SIGTERM: every request is answered in full, or never reaches a request handler (refused /
  // reset connection) — no 5xx, no truncated answer.
  for (const o of after) {
    if (o.status !== undefined) expect(o.status).toBe(200);
    else expect(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'socket hang up']).toContain(o.error);
  }
}, 60_000);
