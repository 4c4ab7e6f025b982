import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goodReferral } from '../fuzz/support/fuzz-check.js';
import { outcomeCode } from '../fuzz/support/real-app.js';
import { composeForTest, type Composed } from './support/composed.js';

/**
 * Authenticate before parsing (docs/design.md#authentication): an EHR endpoint verifies the JWT from
 * the headers before it reads a byte of the body. Proof without timing: the body is a gzip bomb
 * (≈ 16 KB inflating to 12 MB of small JSON objects, over the 5 MiB limit) sent chunked and never
 * finished. Reading it would end in 413 `payload-too-large` (the control with a valid token shows
 * exactly that); an unauthenticated caller gets its 401 while it is still sending.
 */
const NOTICE = randomUUID();
const ENDPOINTS = [
  '/cds-services/prenatal-diagnosis-referral',
  '/cds-services/prenatal-diagnosis-referral/feedback',
  `/notices/${NOTICE}/acknowledgement`,
] as const;

/** Small objects, as an attacker would send to make parsing and the depth check expensive. */
function gzipBomb(): Buffer {
  const item = JSON.stringify({ resourceType: 'Observation', status: 'final', valueString: '孕妇' });
  const json = `{"hook":"patient-view","hookInstance":"${randomUUID()}","context":{"x":[${`${item},`.repeat(180_000)}${item}]}}`;
  return gzipSync(Buffer.from(json, 'utf8'), { level: 9 });
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  /** The request body had not been finished when the answer arrived. */
  readonly stillSending: boolean;
}

/**
 * POSTs `head` of a chunked gzip body and never ends the request; resolves with the answer and
 * whether the request was still open (it always is: the client never ends it).
 */
function postUnfinished(port: number, path: string, head: Buffer, authorization?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'content-encoding': 'gzip' };
    if (authorization !== undefined) headers.authorization = authorization;
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers, agent: false });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const stillSending = !req.writableEnded;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        req.destroy();
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text ? (JSON.parse(text) as unknown) : undefined,
          stillSending,
        });
      });
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.write(head);
  });
}

/** A finished request with a small JSON body, optionally from another loopback address. */
function post(port: number, path: string, body: object, opts: { authorization?: string; localAddress?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(body), 'utf8');
    const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(data.length) };
    if (opts.authorization !== undefined) headers.authorization = opts.authorization;
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers, agent: false, localAddress: opts.localAddress });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text ? (JSON.parse(text) as unknown) : undefined,
          stillSending: false,
        });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

function flipSignature(token: string): string {
  const [h, p, s = ''] = token.split('.');
  return `${h}.${p}.${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`;
}

async function listen(c: Composed): Promise<{ server: Server; port: number }> {
  const server = createServer(c.app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('EHR endpoints authenticate before reading the body', () => {
  let c: Composed;
  let server: Server;
  let port: number;
  const bomb = gzipBomb();
  // Everything but the gzip trailer: the stream is well formed as far as it goes and never ends.
  const head = bomb.subarray(0, bomb.length - 8);

  beforeAll(async () => {
    c = await composeForTest([]);
    ({ server, port } = await listen(c));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await c.close();
  });

  it('the bomb is what the attack used: small on the wire, over BODY_LIMIT_BYTES once inflated', () => {
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(c.composition.deps.config.bodyLimitBytes).toBe(5 * 1024 * 1024);
  });

  it.each(ENDPOINTS)('%s, a valid token (control): the body is read, inflated and refused at the limit (413)', async (path) => {
    const res = await postUnfinished(port, path, head, `Bearer ${await c.token(path)}`);
    expect(res.status).toBe(413);
    expect(outcomeCode(res.body)).toBe('payload-too-large');
  });

  it.each(ENDPOINTS)('%s, no Authorization: 401 while the client is still sending, the body never read', async (path) => {
    const res = await postUnfinished(port, path, head);
    expect(res.status).toBe(401);
    expect(outcomeCode(res.body)).toBe('unauthorized');
    expect(res.stillSending).toBe(true);
  });

  it.each(ENDPOINTS)('%s, a token with a bad signature: 401 while the client is still sending', async (path) => {
    const res = await postUnfinished(port, path, head, `Bearer ${flipSignature(await c.token(path))}`);
    expect(res.status).toBe(401);
    expect(res.stillSending).toBe(true);
  });

  it('a token for another endpoint (aud) is refused the same way, and the next good call is answered', async () => {
    const res = await postUnfinished(port, ENDPOINTS[0], head, `Bearer ${await c.token(ENDPOINTS[1])}`);
    expect(res.status).toBe(401);
    expect(res.stillSending).toBe(true);
    const good = await post(port, ENDPOINTS[0], goodReferral(), { authorization: `Bearer ${await c.token(ENDPOINTS[0])}` });
    expect(good.status).toBe(200);
  });
});

describe('AUTH_FAILURE_LIMIT_PER_MINUTE: failed authentications per client address', () => {
  let c: Composed;
  let server: Server;
  let port: number;
  const path = ENDPOINTS[0];

  beforeAll(async () => {
    c = await composeForTest([], { AUTH_FAILURE_LIMIT_PER_MINUTE: '2' });
    ({ server, port } = await listen(c));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await c.close();
  });

  it('past the limit a failure is 429 with Retry-After; another address is still answered 401; a good token is still served', async () => {
    const bad = { authorization: 'Bearer not.a.token' };
    expect((await post(port, path, goodReferral(), bad)).status).toBe(401);
    expect((await post(port, path, goodReferral(), { authorization: `Bearer ${flipSignature(await c.token(path))}` })).status).toBe(401);
    const limited = await post(port, path, goodReferral(), bad);
    expect(limited.status).toBe(429);
    expect(outcomeCode(limited.body)).toBe('rate-limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(JSON.stringify(limited.body)).not.toContain('not.a.token');
    // Another client address has its own bucket.
    expect((await post(port, path, goodReferral(), { ...bad, localAddress: '127.0.0.2' })).status).toBe(401);
    // A token that verifies is served whatever its address's failures (a NAT or proxy cannot lock out an EHR).
    const good = await post(port, path, goodReferral(), { authorization: `Bearer ${await c.token(path)}` });
    expect(good.status).toBe(200);
    expect((good.body as { cards: unknown[] }).cards).toHaveLength(1);
    // Still over the limit for failures.
    expect((await post(port, path, goodReferral(), bad)).status).toBe(429);
  });
});
