import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goodReferral } from '../fuzz/support/fuzz-check.js';
import { outcomeCode } from '../fuzz/support/real-app.js';
import { composeJwtApp, wallSeconds, type ComposedApp } from './support/composed-app.js';
import { bearer, ISS, makeKey, signToken } from './support/tokens.js';

/**
 * An issuer whose JWKS endpoint accepts the connection and never answers, with no keys cached yet:
 * the first fetch is bounded by `JWKS_TIMEOUT_MS` (docs/design.md#authentication). The call is
 * refused (401, `jwks-unavailable` in the log) and the fetch was really aborted — the endpoint
 * sees its socket closed — rather than left to hang. Nothing here measures time.
 */
const REFERRAL = '/cds-services/prenatal-diagnosis-referral';

let jwksServer: Server;
let jwksUrl: string;
let requests = 0;
let closedSockets = 0;
let service: ComposedApp;

beforeAll(async () => {
  jwksServer = createServer((req) => {
    requests += 1;
    req.socket.on('close', () => {
      closedSockets += 1;
    });
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
  service = await composeJwtApp([{ iss: ISS, jwksUrl }], { JWKS_TIMEOUT_MS: '200' });
});

afterAll(async () => {
  await service.composition.close();
  jwksServer.closeAllConnections();
  await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
});

describe('first JWKS fetch against an endpoint that never answers', () => {
  it('refuses the call with 401 and aborts the fetch', async () => {
    const key = await makeKey('ES384', 'ehr-2026');
    const token = await signToken(key, { now: wallSeconds() });
    const res = await request(service.app).post(REFERRAL).set('Authorization', bearer(token)).send(goodReferral());
    expect(res.status).toBe(401);
    expect(outcomeCode(res.body)).toBe('unauthorized');
    expect(requests).toBe(1);
    await expect.poll(() => closedSockets).toBe(1);
    expect(service.logLines().some((l) => l.reason === 'jwks-unavailable')).toBe(true);
  }, 30_000);
});
