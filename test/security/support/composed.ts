import { Writable } from 'node:stream';
import { createApp } from '../../../src/app.js';
import { compose, type Composition } from '../../../src/compose.js';
import { loadConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/log.js';
import { makeKey, type TestKey } from '../../auth/support/tokens.js';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';

export const PUBLIC_BASE_URL = 'https://cds.security.example';
export const ISS = 'https://ehr.security.example/oauth';

export interface Composed {
  readonly app: ReturnType<typeof createApp>;
  readonly composition: Composition;
  readonly key: TestKey;
  /** Every log line written (raw JSON text). */
  readonly lines: string[];
  /** A fresh, valid CDS Hooks JWT for `path` (e.g. `/cds-services/prenatal-diagnosis-referral`). */
  token(path: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The production composition (src/compose.ts: real store on in-memory PGlite, real authenticator
 * in JWT mode with an inline JWKS, real snapshot loader and services), logging at `trace` into
 * `lines`.
 */
export async function composeForTest(fhirServers: readonly string[], env: Record<string, string> = {}): Promise<Composed> {
  const key = await makeKey('ES384', 'sec-key-1');
  const config = loadConfig({
    PUBLIC_BASE_URL,
    AUTH_MODE: 'jwt',
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'trace',
    FHIR_TIMEOUT_MS: '2000',
    TRUSTED_ISSUERS: JSON.stringify([{ iss: ISS, jwks: { keys: [key.jwk] }, fhirServers }]),
    ...env,
  });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  const composition = await compose(config, createLogger(config, sink));
  return {
    app: createApp(composition.deps),
    composition,
    key,
    lines,
    token: (path) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: ISS, sub: 'ehr-client', aud: `${PUBLIC_BASE_URL}${path}`, exp: now + 300, iat: now, jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: key.kid })
        .sign(key.privateKey);
    },
    close: () => composition.close(),
  };
}
