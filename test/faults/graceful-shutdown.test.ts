import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
import { sendJson, startFhirStub, type FhirStub } from '../fhir/support/fhir-stub.js';
import { goodReferral } from '../fuzz/support/fuzz-check.js';

/**
 * The real entry point (`node --import tsx src/main.ts`, embedded store in a temp DATA_DIR): a
 * SIGTERM while a hook call waits on a slow FHIR server lets that call finish (200), then the
 * process closes the store and exits 0.
 */
const FHIR_DELAY_MS = 1_500;
const OBS = '/fhir/Observation?patient=p-zhang-li-1989&_count=1000';
let stub: FhirStub;
let dataDir: string;
let child: ChildProcess | undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'prenatal-cds-shutdown-'));
  const observations = goodReferral().prefetch.observations;
  stub = await startFhirStub({
    [OBS]: (_req, res) => {
      const t = setTimeout(() => sendJson(res, 200, observations), FHIR_DELAY_MS);
      res.on('close', () => clearTimeout(t));
    },
  });
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await stub.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('SIGTERM drains the in-flight hook call, then exits 0', async () => {
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: packageRoot(),
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      AUTH_MODE: 'off',
      PUBLIC_BASE_URL: '',
      LOG_LEVEL: 'info',
      FHIR_TIMEOUT_MS: '10000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    proc.stdout?.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join('').includes('prenatal-cds listening')) resolve();
    });
    proc.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    void exited.then((code) => reject(new Error(`exited early (${String(code)}): ${output.join('')}`)));
  });

  const body = {
    ...goodReferral(),
    fhirServer: stub.fhirServer,
    fhirAuthorization: { access_token: 't', token_type: 'Bearer', expires_in: 300, scope: 's', subject: 'c' },
  };
  body.prefetch = { ...body.prefetch };
  delete body.prefetch.observations;
  const inFlight = fetch(`http://127.0.0.1:${port}/cds-services/prenatal-diagnosis-referral`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await stub.inFlightReached(1);
  proc.kill('SIGTERM');

  const res = await inFlight;
  expect(res.status).toBe(200);
  expect(((await res.json()) as { cards: unknown[] }).cards).toHaveLength(1);
  expect(await exited, output.join('').slice(-2000)).toBe(0);
  expect(output.join('')).toContain('shutting down');
  await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
}, 60_000);
