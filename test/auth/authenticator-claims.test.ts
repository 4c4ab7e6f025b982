import { beforeAll, describe, expect, it } from 'vitest';
import { authOffWarning, createAuthenticator } from '../../src/auth/authenticator.js';
import { authorizeFhirServer } from '../../src/auth/authorize-fhir-server.js';
import { CLOCK_TOLERANCE_SECONDS, MAX_TOKEN_AGE_SECONDS } from '../../src/auth/auth-policy.js';
import { loadConfig } from '../../src/config/load.js';
import type { Authenticate } from '../../src/ports.js';
import { rejectionReason } from './support/reject.js';
import { AUD, ISS, T0, bearer, captureLogger, configWith, makeKey, signToken, type TestKey } from './support/tokens.js';

/** Claim checks, with inline JWKS (no network). https://cds-hooks.hl7.org/2.0/#trusting-cds-clients */
describe('EHR JWT claims', () => {
  let es: TestKey;
  let rs: TestKey;
  let now = T0;
  let log: ReturnType<typeof captureLogger>;
  let authenticate: Authenticate;
  const FHIR = 'https://ehr.example/fhir/';
  const req = (token: string, over: { audience?: string } = {}) =>
    authenticate({ authorization: bearer(token), audience: over.audience ?? AUD });

  beforeAll(async () => {
    es = await makeKey('ES384', 'es-1');
    rs = await makeKey('RS384', 'rs-1');
    log = captureLogger();
    const config = configWith([{ iss: ISS, jwks: { keys: [es.jwk, rs.jwk] }, fhirServers: [FHIR] }]);
    authenticate = createAuthenticator(config, { logger: log.logger, nowSeconds: () => now });
  });

  it('accepts a valid ES384 token (inline JWKS) and returns iss and jti', async () => {
    const ctx = await req(await signToken(es, { claims: { jti: 'jti-es' } }));
    expect(ctx).toEqual({ issuer: ISS, jti: 'jti-es', fhirServers: [FHIR] });
  });

  it('accepts a valid RS384 token', async () => {
    await expect(req(await signToken(rs))).resolves.toMatchObject({ issuer: ISS });
  });

  it('once the body is parsed: accepts a request without fhirServer, and one under the allow-list', async () => {
    const ctx = await req(await signToken(es));
    expect(() => authorizeFhirServer(ctx, undefined, log.logger)).not.toThrow();
    expect(() => authorizeFhirServer(ctx, `${FHIR}r4`, log.logger)).not.toThrow();
    expect(() => authorizeFhirServer(ctx, FHIR, log.logger)).not.toThrow();
  });

  it.each([
    ['exp', 'missing-exp'],
    ['iat', 'missing-iat'],
    ['jti', 'missing-jti'],
    ['aud', 'missing-aud'],
  ])('rejects a token without %s', async (claim, reason) => {
    expect(await rejectionReason(req(await signToken(es, { claims: { [claim]: undefined } })))).toBe(reason);
  });

  it('rejects a non-string or oversized jti', async () => {
    expect(await rejectionReason(req(await signToken(es, { claims: { jti: 42 } })))).toBe('jti-invalid');
    expect(await rejectionReason(req(await signToken(es, { claims: { jti: 'x'.repeat(300) } })))).toBe('jti-invalid');
  });

  it('rejects an expired token', async () => {
    expect(await rejectionReason(req(await signToken(es, { claims: { iat: T0 - 120, exp: T0 - 60 } })))).toBe('token-expired');
  });

  describe(`clock skew edges (tolerance ${CLOCK_TOLERANCE_SECONDS} s)`, () => {
    const T = CLOCK_TOLERANCE_SECONDS;
    it('exp just inside the tolerance is accepted, at the tolerance it is rejected', async () => {
      await expect(req(await signToken(es, { claims: { iat: T0 - 60, exp: T0 - T + 1 } }))).resolves.toBeDefined();
      expect(await rejectionReason(req(await signToken(es, { claims: { iat: T0 - 60, exp: T0 - T } })))).toBe('token-expired');
    });
    it('iat in the future within the tolerance is accepted, beyond it rejected', async () => {
      await expect(req(await signToken(es, { claims: { iat: T0 + T, exp: T0 + 300 } }))).resolves.toBeDefined();
      expect(await rejectionReason(req(await signToken(es, { claims: { iat: T0 + T + 1, exp: T0 + 300 } })))).toBe('iat-in-future');
    });
    it('a token older than the max age (plus tolerance) is rejected even if exp is far away', async () => {
      const oldest = T0 - MAX_TOKEN_AGE_SECONDS - T;
      await expect(req(await signToken(es, { claims: { iat: oldest, exp: T0 + 3600 } }))).resolves.toBeDefined();
      expect(await rejectionReason(req(await signToken(es, { claims: { iat: oldest - 1, exp: T0 + 3600 } })))).toBe('token-too-old');
    });
    it('a token not yet valid (nbf) is rejected', async () => {
      expect(await rejectionReason(req(await signToken(es, { claims: { nbf: T0 + 600 } })))).toBe('not-yet-valid');
    });
  });

  it('the clock is injected: a token valid now is rejected when the clock moves past exp', async () => {
    const token = await signToken(es, { claims: { jti: 'moving-clock' } });
    now = T0 + 300 + CLOCK_TOLERANCE_SECONDS;
    try {
      expect(await rejectionReason(req(token))).toBe('token-expired');
    } finally {
      now = T0;
    }
  });

  it('rejects a token addressed to another endpoint (aud must be the exact endpoint URL)', async () => {
    const other = 'https://cds.example.org/cds-services/nipt-order-check';
    expect(await rejectionReason(req(await signToken(es, { claims: { aud: other } })))).toBe('audience-mismatch');
    expect(await rejectionReason(req(await signToken(es, { claims: { aud: `${AUD}/` } })))).toBe('audience-mismatch');
    expect(await rejectionReason(req(await signToken(es, { claims: { aud: 'https://cds.example.org' } })))).toBe('audience-mismatch');
  });

  it('rejects a replayed jti; a different jti is fine', async () => {
    const token = await signToken(es, { claims: { jti: 'once-only' } });
    await expect(req(token)).resolves.toMatchObject({ jti: 'once-only' });
    expect(await rejectionReason(req(token))).toBe('replayed-jti');
    expect(await rejectionReason(req(await signToken(rs, { claims: { jti: 'once-only' } })))).toBe('replayed-jti');
    await expect(req(await signToken(es, { claims: { jti: 'once-only-2' } }))).resolves.toBeDefined();
  });

  it.each([
    ['https://evil.example/fhir/', 'another host'],
    ['https://ehr.example/fhir-evil/', 'prefix trick'],
    ['https://ehr.example@evil.example/fhir/', 'userinfo trick'],
    ['http://10.0.0.5/fhir/', 'private address not on the list'],
  ])('rejects fhirServer %s (%s) once the body is parsed', async (fhirServer) => {
    const ctx = await req(await signToken(es));
    expect(await rejectionReason(Promise.resolve(ctx).then((c) => authorizeFhirServer(c, fhirServer, log.logger)))).toBe(
      'fhir-server-not-allowed',
    );
  });

  it('consumes the jti before the body is read: a token refused for its fhirServer cannot be used again', async () => {
    const token = await signToken(es, { claims: { jti: 'spent-on-a-bad-body' } });
    const ctx = await req(token);
    expect(() => authorizeFhirServer(ctx, 'https://evil.example/fhir/', log.logger)).toThrow();
    expect(await rejectionReason(req(token))).toBe('replayed-jti');
  });

  it('logs the reason with iss/kid/jti, never the token or the header', async () => {
    log.lines.length = 0;
    const token = await signToken(es, { claims: { jti: 'logged-jti', aud: 'https://elsewhere.example/' } });
    await rejectionReason(req(token));
    expect(log.lines).toHaveLength(1);
    const entry = JSON.parse(log.lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 30, reason: 'audience-mismatch', iss: ISS, kid: 'es-1', jti: 'logged-jti' });
    const text = log.lines.join('\n');
    expect(text).not.toContain(token.split('.')[2]);
    expect(text).not.toContain(token.split('.')[1]);
    expect(text).not.toContain('Bearer');
  });
});

describe('tenant', () => {
  let es: TestKey;
  let authenticate: Authenticate;
  beforeAll(async () => {
    es = await makeKey('ES384', 'es-t');
    const config = configWith([{ iss: ISS, jwks: { keys: [es.jwk] }, fhirServers: ['https://ehr.example/fhir/'], tenant: 'hospital-a' }]);
    authenticate = createAuthenticator(config, { logger: captureLogger().logger, nowSeconds: () => T0 });
  });
  const call = async (claims: Record<string, unknown>) =>
    authenticate({ authorization: bearer(await signToken(es, { claims })), audience: AUD });

  it('returns the tenant when it matches the issuer configuration', async () => {
    await expect(call({ tenant: 'hospital-a' })).resolves.toMatchObject({ issuer: ISS, tenant: 'hospital-a' });
  });
  it('rejects another tenant or a missing tenant', async () => {
    expect(await rejectionReason(call({ tenant: 'hospital-b' }))).toBe('tenant-mismatch');
    expect(await rejectionReason(call({}))).toBe('tenant-mismatch');
  });
});

describe('AUTH_MODE=off', () => {
  it('accepts any request as issuer "dev", and the warning says so', async () => {
    const config = loadConfig({ AUTH_MODE: 'off' });
    const authenticate = createAuthenticator(config, { logger: captureLogger().logger });
    const ctx = await authenticate({ authorization: undefined, audience: AUD });
    expect(ctx).toEqual({ issuer: 'dev' });
    // fhirServer is not checked against any allow-list.
    expect(() => authorizeFhirServer(ctx, 'http://anything/', captureLogger().logger)).not.toThrow();
    expect(authOffWarning()).toMatch(/AUTH_MODE=off/);
    expect(authOffWarning()).toMatch(/DISABLED/);
    // Several EHRs may call a dev instance: QC by institution then rests on the data alone.
    expect(authOffWarning()).toMatch(/QC by institution, rests on the call's data alone/);
  });
});
