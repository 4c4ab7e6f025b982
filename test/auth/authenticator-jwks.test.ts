import { afterEach, describe, expect, it } from 'vitest';
import { createAuthenticator, type AuthenticatorOptions } from '../../src/auth/authenticator.js';
import { JWKS_REFRESH_AFTER_MS } from '../../src/auth/auth-policy.js';
import type { Authenticate } from '../../src/ports.js';
import { startJwksServer, type JwksServer } from './support/jwks-server.js';
import { rejectionReason } from './support/reject.js';
import { AUD, ISS, T0, bearer, captureLogger, configWith, makeKey, signToken, type TestKey } from './support/tokens.js';

/**
 * Remote JWKS behaviour against a real loopback server: cache survives outages, a hanging endpoint
 * fails within the fetch timeout, rotation is picked up. The clock is moved, never slept on.
 */
describe('remote JWKS', () => {
  let server: JwksServer | undefined;
  let now = T0;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    now = T0;
  });

  async function setup(
    keys: TestKey[],
    opts: Partial<AuthenticatorOptions> = {},
  ): Promise<{ authenticate: Authenticate; jwks: JwksServer; lines: string[] }> {
    const jwks = await startJwksServer({ keys: keys.map((k) => k.jwk) });
    server = jwks;
    const log = captureLogger();
    const config = configWith([{ iss: ISS, jwksUrl: jwks.url }]);
    const authenticate = createAuthenticator(config, { logger: log.logger, nowSeconds: () => now, fetchTimeoutMs: 300, ...opts });
    return { authenticate, jwks, lines: log.lines };
  }
  const call = async (authenticate: Authenticate, key: TestKey) =>
    authenticate({ authorization: bearer(await signToken(key, { now })), audience: AUD });

  it('accepts a valid ES384 and RS384 token, fetching the JWKS once', async () => {
    const es = await makeKey('ES384', 'es');
    const rs = await makeKey('RS384', 'rs');
    const { authenticate, jwks } = await setup([es, rs]);
    await expect(call(authenticate, es)).resolves.toMatchObject({ issuer: ISS });
    await expect(call(authenticate, rs)).resolves.toMatchObject({ issuer: ISS });
    expect(jwks.hits).toBe(1);
  });

  it.each(['error', 'reset', 'hang'] as const)('cached keys keep working when the endpoint goes %s after the first fetch', async (mode) => {
    const es = await makeKey('ES384', 'es');
    const { authenticate, jwks, lines } = await setup([es]);
    await expect(call(authenticate, es)).resolves.toBeDefined();
    jwks.setMode(mode);
    now = T0 + JWKS_REFRESH_AFTER_MS / 1000 + 3600; // cache is old: a background refresh starts
    await expect(call(authenticate, es)).resolves.toBeDefined();
    await expect.poll(() => jwks.hits).toBe(2);
    await expect(call(authenticate, es)).resolves.toBeDefined();
    expect(jwks.hits).toBe(2); // one refresh attempt, not one per request
    if (mode !== 'hang') {
      await expect.poll(() => lines.some((l) => l.includes('JWKS refresh failed'))).toBe(true);
    }
  });

  it('a hanging endpoint with no cached keys fails within the fetch timeout (no hang)', async () => {
    const es = await makeKey('ES384', 'es');
    const { authenticate, jwks } = await setup([es]);
    jwks.setMode('hang');
    expect(await rejectionReason(call(authenticate, es))).toBe('jwks-unavailable');
    expect(jwks.hits).toBe(1);
  });

  it('after a failed fetch, further requests fail fast without hitting the endpoint until the cooldown passes', async () => {
    const es = await makeKey('ES384', 'es');
    const { authenticate, jwks } = await setup([es], { jwksCooldownMs: 30_000 });
    jwks.setMode('error');
    expect(await rejectionReason(call(authenticate, es))).toBe('jwks-unavailable');
    expect(await rejectionReason(call(authenticate, es))).toBe('jwks-unavailable');
    expect(jwks.hits).toBe(1);
    jwks.setMode('ok');
    now = T0 + 31;
    await expect(call(authenticate, es)).resolves.toBeDefined();
    expect(jwks.hits).toBe(2);
  });

  it('key rotation: a token with a newly published kid is accepted after a refetch', async () => {
    const oldKey = await makeKey('ES384', 'key-2025');
    const newKey = await makeKey('RS384', 'key-2026');
    const { authenticate, jwks } = await setup([oldKey], { jwksCooldownMs: 0 });
    await expect(call(authenticate, oldKey)).resolves.toBeDefined();
    jwks.setJwks({ keys: [newKey.jwk] });
    await expect(call(authenticate, newKey)).resolves.toBeDefined();
    expect(jwks.hits).toBe(2);
  });

  it('a key removed from the JWKS stops verifying after the background refresh', async () => {
    const oldKey = await makeKey('ES384', 'key-2025');
    const newKey = await makeKey('ES384', 'key-2026');
    const { authenticate, jwks } = await setup([oldKey, newKey], { jwksCooldownMs: 60_000 });
    await expect(call(authenticate, oldKey)).resolves.toBeDefined();
    jwks.setJwks({ keys: [newKey.jwk] });
    now = T0 + JWKS_REFRESH_AFTER_MS / 1000 + 1;
    await expect(call(authenticate, newKey)).resolves.toBeDefined(); // starts the refresh
    await expect.poll(async () => rejectionReason(call(authenticate, oldKey).then(() => 'accepted'))).toBe('unknown-kid');
    expect(jwks.hits).toBe(2);
  });

  it('the endpoint serving junk is "jwks-unavailable"', async () => {
    const es = await makeKey('ES384', 'es');
    const { authenticate, jwks } = await setup([es]);
    jwks.setJwks({ nonsense: true } as never);
    expect(await rejectionReason(call(authenticate, es))).toBe('jwks-unavailable');
  });
});
