import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { clinicalNowAt, type Clock } from '../../src/clock.js';
import { compose, type Composition } from '../../src/compose.js';
import { loadConfig } from '../../src/config/load.js';
import { createHttpServer, type HttpServer } from '../../src/http/http-server.js';
import { createLogger } from '../../src/log.js';
import { makeKey, type TestKey } from '../auth/support/tokens.js';
import { goodReferral } from '../fuzz/support/fuzz-check.js';
import { outcomeCode } from '../fuzz/support/real-app.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { createDatabase } from '../store/postgres-target.js';

/**
 * Two replicas — two composed apps, each a real HTTP server on loopback — on one real PostgreSQL
 * server (docs/design.md#scale-out): RATE_LIMIT_PER_MINUTE per issuer and
 * AUTH_FAILURE_LIMIT_PER_MINUTE per address hold over both, in fixed windows of the injected clock.
 */
const skipReason = postgresSkipReason('test/security/shared-rate-limit');

const PUBLIC_BASE_URL = 'https://cds.zj-replicas.example';
const ISS = 'https://ehr.hz-first-hospital.example/oauth';
const REFERRAL = '/cds-services/prenatal-diagnosis-referral';
const MINUTE_MS = 60_000;

interface Replica {
  readonly base: string;
  readonly composition: Composition;
  readonly http: HttpServer;
  readonly lines: string[];
}

/** A clock the test moves: every replica reads the same one (the wall clock of one site). */
function movableClock(startMs: number, timeZone: string): Clock & { advance(ms: number): void } {
  let at = startMs;
  return { now: () => clinicalNowAt(new Date(at), timeZone), advance: (ms) => void (at += ms) };
}

describe.skipIf(Boolean(skipReason))(`rate limits shared by replicas${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: PostgresServer | undefined;
  let key: TestKey;
  const replicas: Replica[] = [];
  beforeAll(async () => {
    server = await startPostgres();
    key = await makeKey('ES384', 'replica-key-1');
  }, 120_000);
  afterAll(async () => {
    for (const r of replicas.splice(0)) {
      await r.http.drain();
      await r.composition.close();
    }
    server?.stop();
  });

  async function startReplica(databaseUrl: string, clock: Clock, env: Record<string, string>): Promise<Replica> {
    const config = loadConfig({
      PUBLIC_BASE_URL,
      AUTH_MODE: 'jwt',
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'info',
      TRUSTED_ISSUERS: JSON.stringify([{ iss: ISS, jwks: { keys: [key.jwk] }, fhirServers: [] }]),
      ...env,
    });
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const composition = await compose(config, createLogger(config, sink), { clock });
    const http = createHttpServer(createApp(composition.deps), {
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
    });
    await http.listen(0, '127.0.0.1');
    const address = http.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const replica = { base: `http://127.0.0.1:${address.port}`, composition, http, lines };
    replicas.push(replica);
    return replica;
  }

  /** A fresh signed token (own jti) for `path`; the authenticator checks iat/exp on the system clock. */
  const token = (path: string): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: ISS, sub: 'ehr-client', aud: `${PUBLIC_BASE_URL}${path}`, exp: now + 300, iat: now, jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: key.kid })
      .sign(key.privateKey);
  };

  const post = async (r: Replica, path: string, body: unknown, authorization?: string) => {
    const res = await fetch(`${r.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: authorization ?? `Bearer ${await token(path)}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as unknown };
  };

  it('RATE_LIMIT_PER_MINUTE per issuer holds over both replicas; the next window starts afresh', async () => {
    const url = await createDatabase(server!);
    // 20 s into a minute: the window ends in 40 s.
    const clock = movableClock(Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS + 20_000, 'Asia/Shanghai');
    const env = { RATE_LIMIT_PER_MINUTE: '3' };
    const [a, b] = [await startReplica(url, clock, env), await startReplica(url, clock, env)];

    expect((await post(a, REFERRAL, goodReferral())).status).toBe(200);
    expect((await post(b, REFERRAL, goodReferral())).status).toBe(200);
    // Feedback is an EHR call of the same issuer: it draws on the same count (400: empty list).
    expect((await post(a, `${REFERRAL}/feedback`, { feedback: [] })).status).toBe(400);
    const limited = await post(b, REFERRAL, goodReferral());
    expect(limited.status).toBe(429);
    expect(outcomeCode(limited.body)).toBe('rate-limited');
    expect(limited.retryAfter).toBe('40');
    expect((await post(a, REFERRAL, goodReferral())).status).toBe(429);

    clock.advance(40_000);
    expect((await post(b, REFERRAL, goodReferral())).status).toBe(200);
    expect((await post(a, REFERRAL, goodReferral())).status).toBe(200);
    expect((await post(b, `${REFERRAL}/feedback`, { feedback: [] })).status).toBe(400);
    expect((await post(a, REFERRAL, goodReferral())).status).toBe(429);
  }, 120_000);

  it('AUTH_FAILURE_LIMIT_PER_MINUTE per address holds over both replicas; a good token is still served', async () => {
    const url = await createDatabase(server!);
    const clock = movableClock(Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS, 'Asia/Shanghai');
    const env = { AUTH_FAILURE_LIMIT_PER_MINUTE: '2' };
    const [a, b] = [await startReplica(url, clock, env), await startReplica(url, clock, env)];
    const forged = `Bearer ${(await token(REFERRAL)).slice(0, -4)}AAAA`;

    expect((await post(a, REFERRAL, goodReferral(), forged)).status).toBe(401);
    expect((await post(b, REFERRAL, goodReferral(), forged)).status).toBe(401);
    const limited = await post(a, REFERRAL, goodReferral(), forged);
    expect(limited.status).toBe(429);
    expect(limited.retryAfter).toBe('60');
    expect((await post(b, REFERRAL, goodReferral(), forged)).status).toBe(429);
    expect((await post(b, REFERRAL, goodReferral())).status).toBe(200);

    clock.advance(MINUTE_MS);
    expect((await post(b, REFERRAL, goodReferral(), forged)).status).toBe(401);
  }, 120_000);

  it('with the database down the failure limit fails open: a bad token is 401 (not 503), the counter failure logged once', async () => {
    const url = await createDatabase(server!);
    const clock = movableClock(Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS, 'Asia/Shanghai');
    const a = await startReplica(url, clock, { AUTH_FAILURE_LIMIT_PER_MINUTE: '1', DB_CONNECT_TIMEOUT_MS: '1000' });
    const forged = `Bearer ${(await token(REFERRAL)).slice(0, -4)}AAAA`;
    server!.crash();
    try {
      for (let i = 0; i < 3; i += 1) expect((await post(a, REFERRAL, goodReferral(), forged)).status).toBe(401);
      // A good token needs the store (its jti goes to the replay cache): 503, nothing served unrecorded.
      expect((await post(a, REFERRAL, goodReferral())).status).toBe(503);
    } finally {
      server!.start();
    }
    const warnings = a.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'rate-limit counter unavailable: request admitted');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ limiter: 'auth-failure', repeated: 0 });
  }, 120_000);
});
