import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { SignJWT } from 'jose';
import request from 'supertest';
import { expect } from 'vitest';
import { createApp } from '../../src/app.js';
import { clinicalNowAt, type Clock } from '../../src/clock.js';
import { compose, type Composition } from '../../src/compose.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { makeKey, type TestKey } from '../auth/support/tokens.js';
import type { HookBody, WireCard } from '../e2e/support/e2e-app.js';

/** The referral service's hook path. */
export const REFERRAL_PATH = '/cds-services/prenatal-diagnosis-referral';

export interface SignedHookAppOptions {
  /** PUBLIC_BASE_URL: a token's audience is this and the path it is for. */
  readonly base: string;
  /** The EHRs' signing keys by issuer (`issuerKeys`), each trusted with no FHIR server (the prefetch is complete). */
  readonly keys: Readonly<Record<string, TestKey>>;
  /** The policy's institution id, with real institution names: only then is a notice issued (docs/design.md#written-notice). */
  readonly institution?: string;
  /** The service clock's instant (epoch ms) until `at` moves it. */
  readonly instant: number;
  /** A QC token of the policy's institution (QC_TOKENS; replaced by `env.QC_TOKENS` when that is given). */
  readonly institutionToken?: string;
  /** More variables (QC_TOKENS, MRN_SYSTEM, DATA_DIR, DATABASE_URL…); DATA_DIR defaults to `memory://`, logs are silent. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The production composition (compose + createApp, JWT auth on), not listening, on a clock the test moves. */
export interface SignedHookApp {
  readonly app: ReturnType<typeof createApp>;
  readonly composition: Composition;
  /** Moves the service's clock to `instant` (epoch ms). */
  at(instant: number): void;
  /** A real ES384 CDS Hooks token of `iss` (default: the first issuer) for `path` of the service, iat now, a fresh jti. */
  token(iss?: string, path?: string): Promise<string>;
  /**
   * Posts `body` (without fhirServer / fhirAuthorization) to the referral service as the EHR `iss`,
   * with `hookInstance` when given; expects 200 and returns the cards.
   */
  call(body: HookBody, o?: { readonly iss?: string; readonly hookInstance?: string }): Promise<WireCard[]>;
  close(): Promise<void>;
}

/** One ES384 key per EHR issuer. */
export async function issuerKeys(...issuers: string[]): Promise<Record<string, TestKey>> {
  const keys: Record<string, TestKey> = {};
  for (const [i, iss] of issuers.entries()) keys[iss] = await makeKey('ES384', `ehr-key-${i + 1}`);
  return keys;
}

export async function composeSignedHookApp(o: SignedHookAppOptions): Promise<SignedHookApp> {
  const issuers = Object.keys(o.keys);
  const institution = o.institution ?? 'org-1';
  const qcTokens = o.institutionToken ? { QC_TOKENS: JSON.stringify({ [o.institutionToken]: { role: 'institution', institution } }) } : {};
  const config = loadConfig({
    PUBLIC_BASE_URL: o.base,
    AUTH_MODE: 'jwt',
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'silent',
    TRUSTED_ISSUERS: JSON.stringify(Object.entries(o.keys).map(([iss, key]) => ({ iss, jwks: { keys: [key.jwk] }, fhirServers: [] }))),
    POLICY_FILE: JSON.stringify({
      institution: { id: institution, name: '杭州市某区妇幼保健院' },
      referralInstitution: { name: '浙江大学医学院附属妇产科医院产前诊断中心' },
    }),
    ...qcTokens,
    ...o.env,
  });
  let instant = o.instant;
  const clock: Clock = { now: () => clinicalNowAt(new Date(instant), config.clinicTimeZone) };
  const composition = await compose(config, createLogger(config, new Writable({ write: (_c, _e, cb) => cb() })), { clock });
  const app = createApp(composition.deps);
  const token = (iss = issuers[0]!, path = REFERRAL_PATH) => {
    const key = o.keys[iss]!;
    // The authenticator checks iat/exp against the wall clock, not the service's clinical clock.
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss, sub: 'ehr', aud: `${o.base}${path}`, exp: now + 300, iat: now, jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: key.kid })
      .sign(key.privateKey);
  };
  return {
    app,
    composition,
    at: (ms) => {
      instant = ms;
    },
    token,
    async call(body, { iss, hookInstance } = {}) {
      const b = structuredClone(body);
      delete b.fhirServer;
      delete b.fhirAuthorization;
      const res = await request(app)
        .post(REFERRAL_PATH)
        .set('authorization', `Bearer ${await token(iss)}`)
        .send(hookInstance ? { ...b, hookInstance } : b);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body as { cards: WireCard[] }).cards;
    },
    close: () => composition.close(),
  };
}
