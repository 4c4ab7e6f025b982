import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { createHttpServer, type HttpServer } from '../../src/http/http-server.js';
import { goodReferral } from '../fuzz/support/fuzz-check.js';
import { buildRealHarness } from '../fuzz/support/real-app.js';

/**
 * Slow clients (slow-loris): a client that sends its headers, or its body, a byte at a time is
 * disconnected once HTTP_HEADERS_TIMEOUT_MS / HTTP_REQUEST_TIMEOUT_MS have passed, an idle
 * keep-alive connection after HTTP_KEEP_ALIVE_TIMEOUT_MS, and legitimate calls are answered
 * meanwhile (src/http/http-server.ts, the real app on loopback).
 */
const HEADERS_MS = 1_000;
const REQUEST_MS = 2_000;
const KEEP_ALIVE_MS = 500;
const TRICKLE_MS = 100;
const PER_KIND = 150;

const h = buildRealHarness({
  HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
  HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_MS),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_MS),
});
let http: HttpServer;
let port: number;

beforeAll(async () => {
  const c = h.deps.config;
  http = createHttpServer(h.app, {
    headersTimeoutMs: c.httpHeadersTimeoutMs,
    requestTimeoutMs: c.httpRequestTimeoutMs,
    keepAliveTimeoutMs: c.httpKeepAliveTimeoutMs,
  });
  await http.listen(0, '127.0.0.1');
  port = (http.server.address() as AddressInfo).port;
});

afterAll(async () => {
  http.server.closeAllConnections();
  await new Promise<void>((resolve) => http.server.close(() => resolve()));
});

/** A client connection that never finishes its request: how it ended. */
interface Loris {
  readonly socket: Socket;
  readonly openedAt: number;
  received: string;
  closedAt?: number;
  readonly closed: Promise<void>;
}

function loris(first: string, trickle: string): Loris {
  const socket = connect(port, '127.0.0.1');
  const l: Loris = {
    socket,
    openedAt: performance.now(),
    received: '',
    closed: new Promise<void>((resolve) => {
      socket.once('close', () => {
        clearInterval(timer);
        l.closedAt = performance.now();
        resolve();
      });
    }),
  };
  socket.on('error', () => undefined);
  socket.on('data', (d: Buffer) => {
    l.received += d.toString('latin1');
  });
  socket.write(first);
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write(trickle);
  }, TRICKLE_MS);
  return l;
}

const SERVICE = '/cds-services/prenatal-diagnosis-referral';

describe('slow clients', () => {
  it(`${2 * PER_KIND} slow-loris connections are closed by the server after the bound; legitimate calls are answered meanwhile`, async () => {
    const slowHeaders = Array.from({ length: PER_KIND }, () =>
      loris(`POST ${SERVICE} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n`, 'X-Padding: 张\r\n'),
    );
    const slowBodies = Array.from({ length: PER_KIND }, () =>
      loris(`POST ${SERVICE} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"hook":`, ' '),
    );
    const all = [...slowHeaders, ...slowBodies];
    const stillOpen = (): number => all.filter((l) => l.closedAt === undefined).length;

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const openAtHealth = stillOpen();
    const call = await fetch(`http://127.0.0.1:${port}${SERVICE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(goodReferral()),
    });
    expect(call.status).toBe(200);
    expect(((await call.json()) as { cards: unknown[] }).cards).toHaveLength(1);
    // Answered while the slow clients were connected.
    expect(openAtHealth).toBeGreaterThan(0);

    await Promise.all(all.map((l) => l.closed));
    for (const l of slowHeaders) {
      expect(l.received).toMatch(/^HTTP\/1\.1 408 /);
      expect(l.closedAt! - l.openedAt).toBeGreaterThanOrEqual(HEADERS_MS - 50);
    }
    for (const l of slowBodies) expect(l.closedAt! - l.openedAt).toBeGreaterThanOrEqual(REQUEST_MS - 50);
    expect(stillOpen()).toBe(0);
  }, 30_000);

  it('an idle keep-alive connection is closed by the server after HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    let received = '';
    const answered = new Promise<void>((resolve) =>
      socket.on('data', (d: Buffer) => {
        received += d.toString('latin1');
        if (received.includes('\r\n\r\n')) resolve();
      }),
    );
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    await answered;
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received.toLowerCase()).toContain('connection: keep-alive');
    const idleFrom = performance.now();
    await closed;
    expect(performance.now() - idleFrom).toBeGreaterThanOrEqual(KEEP_ALIVE_MS - 50);
  }, 30_000);
});

describe('HTTP timeout configuration', () => {
  it('defaults: 10 s for headers, 30 s for the whole request, 5 s keep-alive', () => {
    const c = loadConfig({ AUTH_MODE: 'off' });
    expect([c.httpHeadersTimeoutMs, c.httpRequestTimeoutMs, c.httpKeepAliveTimeoutMs]).toEqual([10_000, 30_000, 5_000]);
  });

  it('refuses a headers timeout above the request timeout, naming the variable', () => {
    expect(() => loadConfig({ AUTH_MODE: 'off', HTTP_HEADERS_TIMEOUT_MS: '40000' })).toThrow(ConfigError);
    expect(() => loadConfig({ AUTH_MODE: 'off', HTTP_HEADERS_TIMEOUT_MS: '40000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
  });

  it('FHIR reply bounds: 20 MiB per call, 8 MiB per reply; a reply bound above the call bound is refused', () => {
    const c = loadConfig({ AUTH_MODE: 'off' });
    expect([c.fhirMaxBytes, c.fhirMaxReplyBytes]).toEqual([20 * 1024 * 1024, 8 * 1024 * 1024]);
    expect(() => loadConfig({ AUTH_MODE: 'off', FHIR_MAX_BYTES: '1048576', FHIR_MAX_REPLY_BYTES: '2097152' })).toThrow(
      /FHIR_MAX_REPLY_BYTES/,
    );
  });
});
