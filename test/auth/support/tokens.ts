import { randomUUID } from 'node:crypto';
import { base64url, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { loadConfig } from '../../../src/config/load.js';
import type { Config, TrustedIssuer } from '../../../src/config/schema.js';

/** Fixed test instant (epoch seconds): tests move the clock, never sleep. */
export const T0 = 1_800_000_000;
export const ISS = 'https://ehr.example/oauth';
export const AUD = 'https://cds.example.org/cds-services/prenatal-diagnosis-referral';

export interface TestKey {
  readonly alg: 'ES384' | 'RS384';
  readonly kid: string;
  readonly privateKey: CryptoKey;
  /** Public JWK as an EHR publishes it. */
  readonly jwk: JWK;
}

export async function makeKey(alg: 'ES384' | 'RS384', kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { alg, kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export interface TokenSpec {
  readonly now?: number;
  /** Claim overrides; `undefined` removes the claim. */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Header overrides; `undefined` removes the member. */
  readonly header?: Readonly<Record<string, unknown>>;
}

const prune = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** Claims in the CDS Hooks sandbox shape (https://cds-hooks.hl7.org/2.0/#trusting-cds-clients). */
export function sandboxClaims(spec: TokenSpec = {}): Record<string, unknown> {
  const now = spec.now ?? T0;
  return prune({ iss: ISS, sub: 'ehr-client-1', aud: AUD, exp: now + 300, iat: now, jti: randomUUID(), ...spec.claims });
}

/** Signs a JWT with header { alg, typ: 'JWT', kid } (plus overrides). */
export async function signToken(key: TestKey, spec: TokenSpec = {}): Promise<string> {
  const header = prune({ alg: key.alg, typ: 'JWT', kid: key.kid, ...spec.header });
  return new SignJWT(sandboxClaims(spec)).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
}

/** An unsigned `alg: none` token, hand-crafted (jose refuses to make one). */
export function unsignedToken(kid: string, alg = 'none', spec: TokenSpec = {}): string {
  const enc = (o: unknown): string => base64url.encode(JSON.stringify(o));
  return `${enc({ alg, typ: 'JWT', kid })}.${enc(sandboxClaims(spec))}.`;
}

export const bearer = (token: string): string => `Bearer ${token}`;

/** A real Config through the real loader (schema-validated and frozen). */
export function configWith(issuers: readonly Partial<TrustedIssuer>[]): Config {
  return loadConfig({ PUBLIC_BASE_URL: 'https://cds.example.org', AUTH_MODE: 'jwt', TRUSTED_ISSUERS: JSON.stringify(issuers) });
}

/** A pino logger writing JSON lines into `lines`, to assert what is (not) logged. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}
