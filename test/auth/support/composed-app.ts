import { Writable } from 'node:stream';
import { createApp } from '../../../src/app.js';
import { fixedClock } from '../../../src/clock.js';
import { compose, type Composition } from '../../../src/compose.js';
import { loadConfig } from '../../../src/config/load.js';
import type { TrustedIssuer } from '../../../src/config/schema.js';
import { createLogger } from '../../../src/log.js';
import { NOW } from '../../support/app-fixture.js';

/** The whole service as src/main.ts wires it (compose: store, authenticator, services), JWT on, not listening. */
export interface ComposedApp {
  readonly app: ReturnType<typeof createApp>;
  readonly composition: Composition;
  /** Log lines written (JSON). */
  readonly logLines: () => Record<string, unknown>[];
}

/** Composes the service for `https://cds.example.org` (the `AUD` of ./tokens.ts) with these issuers and variables. */
export async function composeJwtApp(issuers: readonly Partial<TrustedIssuer>[], env: Record<string, string> = {}): Promise<ComposedApp> {
  const config = loadConfig({
    PUBLIC_BASE_URL: 'https://cds.example.org',
    AUTH_MODE: 'jwt',
    TRUSTED_ISSUERS: JSON.stringify(issuers),
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'info',
    ...env,
  });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const composition = await compose(config, createLogger(config, sink), { clock: fixedClock(NOW, config.clinicTimeZone) });
  return {
    app: createApp(composition.deps),
    composition,
    logLines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** Epoch seconds now: the authenticator checks `iat`/`exp` against the system clock. */
export const wallSeconds = (): number => Math.floor(Date.now() / 1000);
