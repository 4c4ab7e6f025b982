import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import type { Authenticate } from '../../src/ports.js';
import { startJwksServer, type JwksServer } from './support/jwks-server.js';
import { rejectionReason } from './support/reject.js';
import {
  AUD,
  ISS,
  T0,
  bearer,
  captureLogger,
  configWith,
  makeKey,
  sandboxClaims,
  signToken,
  unsignedToken,
  type TestKey,
} from './support/tokens.js';

/**
 * Header and issuer checks happen before any key lookup: the JWKS server's hit counter proves that
 * hostile tokens cause no network traffic. https://cds-hooks.hl7.org/2.0/#trusting-cds-clients
 */
describe('EHR JWT header and issuer', () => {
  let key: TestKey;
  let jwks: JwksServer;
  let elsewhere: JwksServer;
  let authenticate: Authenticate;
  const call = (authorization: string | undefined) => authenticate({ authorization, audience: AUD });

  beforeAll(async () => {
    key = await makeKey('ES384', 'es-h');
    jwks = await startJwksServer({ keys: [key.jwk] });
    elsewhere = await startJwksServer({ keys: [key.jwk] });
    const config = configWith([{ iss: ISS, jwksUrl: jwks.url, fhirServers: [] }]);
    authenticate = createAuthenticator(config, { logger: captureLogger().logger, nowSeconds: () => T0, jwksCooldownMs: 60_000 });
  });
  afterAll(async () => {
    await jwks.close();
    await elsewhere.close();
  });

  describe('before any key is fetched', () => {
    beforeEach(() => {
      expect(jwks.hits).toBe(0);
    });

    it.each([
      [undefined, 'missing-bearer'],
      ['', 'missing-bearer'],
      ['Basic dXNlcjpwdw==', 'missing-bearer'],
      ['Bearer', 'missing-bearer'],
      ['Bearer not-a-jwt', 'missing-bearer'],
      ['Bearer a.b', 'missing-bearer'],
      ['Bearer e30.e30.', 'alg-not-allowed'],
      ['Bearer !!!.e30.sig', 'missing-bearer'],
      ['Bearer eyJ.eyJ.sig', 'malformed-token'],
    ])('rejects Authorization %j as %s', async (authorization, reason) => {
      expect(await rejectionReason(call(authorization))).toBe(reason);
    });

    it('rejects an oversized header without decoding it', async () => {
      expect(await rejectionReason(call(`Bearer ${'a'.repeat(20_000)}.b.c`))).toBe('missing-bearer');
    });

    it.each(['none', 'None', 'NONE', 'nOnE'])('rejects alg %s (hand-crafted unsigned token)', async (alg) => {
      expect(await rejectionReason(call(bearer(unsignedToken(key.kid, alg))))).toBe('alg-not-allowed');
    });

    it('rejects HS256, even with the public JWK as the shared secret (key-confusion attack)', async () => {
      const secret = new TextEncoder().encode(JSON.stringify(key.jwk));
      const token = await new SignJWT(sandboxClaims()).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: key.kid }).sign(secret);
      expect(await rejectionReason(call(bearer(token)))).toBe('alg-not-allowed');
      const hs512 = await new SignJWT(sandboxClaims())
        .setProtectedHeader({ alg: 'HS512', typ: 'JWT', kid: key.kid })
        .sign(new Uint8Array(64));
      expect(await rejectionReason(call(bearer(hs512)))).toBe('alg-not-allowed');
      expect(jwks.hits).toBe(0);
    });

    it('rejects a token without kid', async () => {
      expect(await rejectionReason(call(bearer(await signToken(key, { header: { kid: undefined } }))))).toBe('kid-missing');
    });

    it('rejects a typ other than JWT', async () => {
      expect(await rejectionReason(call(bearer(await signToken(key, { header: { typ: 'at+jwt' } }))))).toBe('typ-not-jwt');
    });

    it('rejects an unknown iss without any network call', async () => {
      const token = await signToken(key, { claims: { iss: 'https://attacker.example' }, header: { jku: elsewhere.url } });
      expect(await rejectionReason(call(bearer(token)))).toBe('unknown-issuer');
      expect(await rejectionReason(call(bearer(await signToken(key, { claims: { iss: undefined } }))))).toBe('missing-iss');
      expect(elsewhere.hits).toBe(0);
      expect(jwks.hits).toBe(0);
    });

    it('rejects a jku that is not the configured jwksUrl and never fetches it', async () => {
      const token = await signToken(key, { header: { jku: elsewhere.url } });
      expect(await rejectionReason(call(bearer(token)))).toBe('jku-not-allowed');
      expect(elsewhere.hits).toBe(0);
    });
  });

  describe('with keys', () => {
    it('accepts a valid token from a jwksUrl issuer (typ absent, jku equal to the configured URL)', async () => {
      await expect(call(bearer(await signToken(key, { header: { typ: undefined } })))).resolves.toMatchObject({ issuer: ISS });
      await expect(call(bearer(await signToken(key, { header: { jku: jwks.url } })))).resolves.toMatchObject({ issuer: ISS });
      expect(jwks.hits).toBe(1);
    });

    it('rejects an unknown kid, and the cooldown bounds refetches', async () => {
      const stranger = await makeKey('ES384', 'not-published');
      const before = jwks.hits;
      expect(await rejectionReason(call(bearer(await signToken(stranger))))).toBe('unknown-kid');
      expect(await rejectionReason(call(bearer(await signToken(stranger, { header: { kid: 'random-2' } }))))).toBe('unknown-kid');
      expect(jwks.hits).toBe(before);
    });

    it('rejects a token signed by another key under a published kid', async () => {
      const forger = await makeKey('ES384', key.kid);
      expect(await rejectionReason(call(bearer(await signToken(forger))))).toBe('bad-signature');
    });

    it('rejects an alg that does not match the published key', async () => {
      const rsa = await makeKey('RS384', key.kid);
      expect(await rejectionReason(call(bearer(await signToken(rsa))))).toBe('unknown-kid');
    });
  });
});
