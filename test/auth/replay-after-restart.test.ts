import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { goodReferral } from '../fuzz/support/fuzz-check.js';
import { outcomeCode } from '../fuzz/support/real-app.js';
import { composeJwtApp, wallSeconds, type ComposedApp } from './support/composed-app.js';
import { bearer, ISS, makeKey, signToken } from './support/tokens.js';

/**
 * The embedded store keeps the JWT replay cache (docs/design.md#replay-cache): a token accepted
 * before a restart is refused after it — same data directory, a new instance of the service.
 */
const REFERRAL = '/cds-services/prenatal-diagnosis-referral';
const dataDir = mkdtempSync(join(tmpdir(), 'cds-replay-'));
const opened: ComposedApp[] = [];

afterAll(async () => {
  await Promise.all(opened.map((o) => o.composition.close()));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('replay after a restart, embedded store', () => {
  it('refuses a token replayed to a new instance on the same data directory; a fresh token passes', async () => {
    const key = await makeKey('ES384', 'ehr-2026');
    const issuers = [{ iss: ISS, jwks: { keys: [key.jwk] } }];
    const token = await signToken(key, { now: wallSeconds() });

    const first = await composeJwtApp(issuers, { DATA_DIR: dataDir });
    opened.push(first);
    const accepted = await request(first.app).post(REFERRAL).set('Authorization', bearer(token)).send(goodReferral());
    expect(accepted.status).toBe(200);
    await first.composition.close();

    const second = await composeJwtApp(issuers, { DATA_DIR: dataDir });
    opened.push(second);
    const replayed = await request(second.app).post(REFERRAL).set('Authorization', bearer(token)).send(goodReferral());
    expect(replayed.status).toBe(401);
    expect(outcomeCode(replayed.body)).toBe('unauthorized');
    expect(second.logLines().some((l) => l.reason === 'replayed-jti')).toBe(true);

    const fresh = await signToken(key, { now: wallSeconds() });
    expect((await request(second.app).post(REFERRAL).set('Authorization', bearer(fresh)).send(goodReferral())).status).toBe(200);
  }, 60_000);
});
