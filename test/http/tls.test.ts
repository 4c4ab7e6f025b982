import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { loadTlsCredentials, type TlsCredentials } from '../../src/config/tls-config.js';
import { createHttpServer, type HttpServer } from '../../src/http/http-server.js';
import { listenMetrics } from '../../src/http/metrics-route.js';
import { composeJwtApp, wallSeconds, type ComposedApp } from '../auth/support/composed-app.js';
import { selfSignedCertificate } from '../support/self-signed.js';
import { bearer, ISS, makeKey, signToken, type TestKey } from '../auth/support/tokens.js';
import { example } from '../e2e/support/e2e-app.js';

/**
 * Native TLS (docs/design.md#tls): with TLS_CERT_FILE / TLS_KEY_FILE the service — composed as
 * src/main.ts composes it, on the server factory main uses — answers HTTPS only, TLS 1.2 or later,
 * on loopback port 0. The certificate is made here by openssl (self-signed, P-256, SAN localhost
 * and 127.0.0.1) and pinned by the client (`ca`), never `rejectUnauthorized: false`.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const METRICS_TOKEN = 'metrics-scrape-token-0123456789';
const SERVICE = 'prenatal-diagnosis-referral';

const dir = mkdtempSync(join(tmpdir(), 'tls-test-'));
const certFile = join(dir, 'cert.pem');
const keyFile = join(dir, 'key.pem');
const otherKeyFile = join(dir, 'other-key.pem');

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly protocol: string | null;
}

interface CallOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly ca?: string;
  readonly minVersion?: 'TLSv1' | 'TLSv1.2';
  readonly maxVersion?: 'TLSv1.1' | 'TLSv1.2';
  readonly agent?: Agent;
}

/** One HTTPS request to 127.0.0.1 (verified against the IP SAN of the certificate). */
function httpsCall(port: number, path: string, opts: CallOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        headers: opts.headers,
        agent: opts.agent ?? false,
        ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
        ...(opts.minVersion ? { minVersion: opts.minVersion } : {}),
        ...(opts.maxVersion ? { maxVersion: opts.maxVersion, ciphers: 'DEFAULT:@SECLEVEL=0' } : {}),
      },
      (res) => {
        const protocol = (res.socket as TLSSocket).getProtocol();
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), protocol }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A plain HTTP GET; resolves with the status, rejects with the error code. */
function plainCall(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

const portOf = (s: HttpServer): number => (s.server.address() as AddressInfo).port;

let key: TestKey;
let tls: TlsCredentials;
let service: ComposedApp;
let http: HttpServer;
let metricsHttp: HttpServer | undefined;
let port = 0;

beforeAll(async () => {
  selfSignedCertificate({ commonName: 'localhost', subjectAltName: 'DNS:localhost,IP:127.0.0.1', keyFile, certFile });
  execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', otherKeyFile], {
    stdio: 'ignore',
  });
  key = await makeKey('ES384', 'tls-key');
  service = await composeJwtApp([{ iss: ISS, jwks: { keys: [key.jwk] }, fhirServers: [] }], {
    TLS_CERT_FILE: certFile,
    TLS_KEY_FILE: keyFile,
    METRICS_PORT: '0',
    METRICS_TOKEN,
  });
  const config = service.composition.deps.config;
  // What src/main.ts does: read the files named by the configuration, give them to the server factory.
  tls = loadTlsCredentials(config.tls!);
  const bounds = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 };
  http = createHttpServer(service.app, bounds, tls);
  await http.listen(0, '127.0.0.1');
  port = portOf(http);
  metricsHttp = await listenMetrics(service.composition.deps.metrics!, config, service.composition.deps.logger, tls);
}, 60_000);

afterAll(async () => {
  await Promise.all([http?.drain(), metricsHttp?.drain()]);
  await service?.composition.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('native TLS: the composed service over HTTPS', () => {
  it('discovery over HTTPS with the certificate pinned; TLS 1.3 negotiated', async () => {
    const res = await httpsCall(port, '/cds-services', { ca: tls.cert });
    expect(res.status).toBe(200);
    expect(res.protocol).toBe('TLSv1.3');
    const ids = (JSON.parse(res.body) as { services: { id: string }[] }).services.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining([SERVICE, 'nipt-order-check', 'special-technique-order-sign']));
  });

  it('a hook call with a signed JWT over HTTPS answers the referral card', async () => {
    const body = structuredClone(example(SERVICE));
    delete body.fhirServer;
    delete body.fhirAuthorization;
    const res = await httpsCall(port, `/cds-services/${SERVICE}`, {
      ca: tls.cert,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: bearer(await signToken(key, { now: wallSeconds() })) },
      body: JSON.stringify(body),
    });
    expect(res.status, res.body).toBe(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const cards = (JSON.parse(res.body) as { cards: { summary: string; indicator: string }[] }).cards;
    expect(cards.length).toBeGreaterThan(0);
    expect(cards[0]?.summary).toMatch(/产前诊断/);
  });

  it('a client that does not trust the certificate is refused by its own verification', async () => {
    await expect(httpsCall(port, '/cds-services')).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('plain HTTP to the TLS port gets no answer', async () => {
    await expect(plainCall(port, '/cds-services')).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('TLS 1.2 is accepted, TLS 1.1 refused', async () => {
    const v12 = await httpsCall(port, '/healthz', { ca: tls.cert, maxVersion: 'TLSv1.2' });
    expect([v12.status, v12.protocol]).toEqual([200, 'TLSv1.2']);
    // The server's alert: "tlsv1 alert protocol version".
    await expect(httpsCall(port, '/healthz', { ca: tls.cert, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' })).rejects.toThrow(
      /alert protocol version/,
    );
  });

  it('METRICS_PORT speaks HTTPS with the same certificate, token required; plain HTTP gets no answer', async () => {
    const mport = portOf(metricsHttp!);
    expect((await httpsCall(mport, '/metrics', { ca: tls.cert })).status).toBe(401);
    const ok = await httpsCall(mport, '/metrics', { ca: tls.cert, headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain(`prenatal_cds_hook_calls_total{service="${SERVICE}",status="200"} 1`);
    await expect(plainCall(mport, '/metrics')).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});

describe('native TLS: the server bounds hold for TLS connections', () => {
  const bounds = { headersTimeoutMs: 200, requestTimeoutMs: 1_000, keepAliveTimeoutMs: 5_000 };

  it('a connection that never starts the TLS handshake is closed by the headers bound, not after 120 s', async () => {
    const server = createHttpServer((_req, res) => res.end('ok'), bounds, tls);
    await server.listen(0, '127.0.0.1');
    try {
      const socket = netConnect(portOf(server), '127.0.0.1');
      // Nothing is sent; the server ends the connection (the test's own timeout would fail otherwise).
      await new Promise<void>((resolve) => socket.once('close', () => resolve()));
      expect(socket.destroyed).toBe(true);
    } finally {
      await server.drain();
    }
  });

  it('drain closes an idle keep-alive HTTPS connection and answers the one in flight with Connection: close', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const server = createHttpServer(
      (req, res) => {
        if (req.url === '/slow') void held.then(() => res.end('slow'));
        else res.end('ok');
      },
      { ...bounds, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 },
      tls,
    );
    await server.listen(0, '127.0.0.1');
    const agent = new Agent({ keepAlive: true, ca: tls.cert });
    try {
      const first = await httpsCall(portOf(server), '/', { agent });
      expect(first.headers.connection).toBe('keep-alive');
      const slow = httpsCall(portOf(server), '/slow', { ca: tls.cert });
      await new Promise<void>((resolve) => {
        const check = (): void => (server.inFlight > 0 ? resolve() : void setImmediate(check));
        check();
      });
      const drained = server.drain();
      release();
      const answer = await slow;
      expect([answer.status, answer.body, answer.headers.connection]).toEqual([200, 'slow', 'close']);
      await drained;
      expect(server.inFlight).toBe(0);
    } finally {
      agent.destroy();
    }
  });
});

describe('TLS configuration', () => {
  const base = { AUTH_MODE: 'off', LOG_LEVEL: 'silent' };

  it('one of TLS_CERT_FILE / TLS_KEY_FILE alone is an error naming both', () => {
    expect(() => loadConfig({ ...base, TLS_CERT_FILE: certFile })).toThrow(
      'TLS_KEY_FILE: is required with TLS_CERT_FILE (set both or neither)',
    );
    expect(() => loadConfig({ ...base, TLS_KEY_FILE: keyFile })).toThrow(
      'TLS_CERT_FILE: is required with TLS_KEY_FILE (set both or neither)',
    );
    expect(loadConfig(base).tls).toBeUndefined();
  });

  it('a missing, unreadable, wrong or mismatched file names the variable and the path, never the content', () => {
    const problem = (certPath: string, keyPath: string): string => {
      try {
        loadTlsCredentials({ certFile: certPath, keyFile: keyPath });
      } catch (e) {
        if (e instanceof ConfigError) return e.problems.join('\n');
        throw e;
      }
      return 'no problem';
    };
    const missing = join(dir, 'missing-key.pem');
    expect(problem(certFile, missing)).toBe(`TLS_KEY_FILE: file ${missing} not found`);
    expect(problem(dir, keyFile)).toBe(`TLS_CERT_FILE: ${dir} is a directory, not a PEM file`);
    const secretText = join(dir, 'not-a-key.pem');
    writeFileSync(secretText, 'PRIVATE 孕妇 secret-passphrase-0123456789\n');
    const notKey = problem(certFile, secretText);
    expect(notKey).toBe(`TLS_KEY_FILE: file ${secretText} holds no unencrypted PEM private key`);
    expect(notKey).not.toContain('secret-passphrase');
    expect(problem(keyFile, keyFile)).toBe(`TLS_CERT_FILE: file ${keyFile} holds no PEM certificate`);
    const mismatch = problem(certFile, otherKeyFile);
    expect(mismatch).toBe(`TLS_KEY_FILE: file ${otherKeyFile} is not the key of the certificate in TLS_CERT_FILE`);
    expect(mismatch).not.toContain('BEGIN');
    expect(problem(certFile, keyFile)).toBe('no problem');
  });

  it('the real start path: a missing key file is one line naming TLS_KEY_FILE and the path, exit 1', async () => {
    const missing = join(dir, 'gone', 'key.pem');
    const started = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'src/main.ts')],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: tmpdir(),
            LOG_LEVEL: 'silent',
            PORT: '0',
            HOST: '127.0.0.1',
            AUTH_MODE: 'off',
            DATA_DIR: 'memory://',
            TLS_CERT_FILE: certFile,
            TLS_KEY_FILE: missing,
          },
          timeout: 60_000,
        },
        (err, _stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stderr }),
      );
    });
    expect(started.code).toBe(1);
    expect(started.stderr.split('\n').filter((l) => l.startsWith('prenatal-cds: '))).toEqual([
      `prenatal-cds: configuration error: TLS_KEY_FILE: file ${missing} not found`,
    ]);
  }, 60_000);
});
