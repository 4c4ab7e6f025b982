import type { ServerResponse } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFhirStub, type FhirStub } from '../fhir/support/fhir-stub.js';
import { goodReferral } from '../fuzz/support/fuzz-check.js';
import { outcomeCode } from '../fuzz/support/real-app.js';
import { composeForTest, type Composed } from './support/composed.js';
import { startCountingServer, type CountingServer } from './support/counting-server.js';

/**
 * `fhirServer` is on the verified issuer's allow-list or nothing is fetched (docs/design.md#authentication, no SSRF):
 * a loopback tripwire that counts TCP connections must see none.
 */
const PATH = '/cds-services/prenatal-diagnosis-referral';
let tripwire: CountingServer;
let allowed: FhirStub;
let c: Composed;

beforeAll(async () => {
  tripwire = await startCountingServer();
  // The allowed FHIR server redirects everything to the tripwire (redirects must not be followed).
  const redirect = (_req: unknown, res: ServerResponse): void => {
    res.writeHead(302, { location: `http://127.0.0.1:${tripwire.port}/fhir/Patient/p-1` }).end();
  };
  allowed = await startFhirStub({ '/fhir/Patient/p-zhang-li-1989': redirect });
  c = await composeForTest(['https://ehr.security.example/fhir/', `${allowed.fhirServer}/`]);
});

afterAll(async () => {
  await c.close();
  await allowed.close();
  await tripwire.close();
});

/** A referral call with no prefetch (everything must be fetched) against `fhirServer`. */
async function callWith(fhirServer: string): Promise<request.Response> {
  const body = {
    ...goodReferral(),
    fhirServer,
    fhirAuthorization: { access_token: 'ssrf-access-token', token_type: 'Bearer', expires_in: 300, scope: 'user/*.read', subject: 'cds' },
  };
  delete (body as { prefetch?: unknown }).prefetch;
  return request(c.app)
    .post(PATH)
    .set('authorization', `Bearer ${await c.token(PATH)}`)
    .send(body);
}

describe('fhirServer not on the issuer allow-list is refused before any connection', () => {
  const targets = (port: number): string[] => [
    `http://127.0.0.1:${port}/fhir`,
    `http://localhost:${port}/fhir`,
    `http://[::1]:${port}/fhir`,
    `http://2130706433:${port}/fhir`,
    `http://0x7f.0.0.1:${port}/fhir`,
    `http://127.1:${port}/fhir`,
    `https://ehr.security.example@127.0.0.1:${port}/fhir`,
    `http://127.0.0.1:${port}/fhir#@ehr.security.example/fhir/`,
    `http://ehr.security.example:${port}/fhir/`,
    `http://169.254.169.254/latest/meta-data/`,
    `http://10.0.0.1/fhir/`,
    `http://192.168.1.1/fhir/`,
    `file:///etc/passwd`,
    `https://ehr.security.example.evil.example/fhir/`,
    `https://ehr.security.example/fhir/../../admin`,
    `https://ehr.security.example/fhir%2f..%2fadmin`,
  ];

  it('answers 401 (no detail) and the tripwire sees zero connections', async () => {
    for (const target of targets(tripwire.port)) {
      const res = await callWith(target);
      expect(res.status, target).toBe(401);
      expect(outcomeCode(res.body)).toBe('unauthorized');
      expect(JSON.stringify(res.body)).not.toContain('allow');
    }
    expect(tripwire.connections).toBe(0);
  });

  it('an allowed server that redirects elsewhere: the redirect is not followed (412, tripwire untouched)', async () => {
    const res = await callWith(allowed.fhirServer);
    expect(res.status).toBe(412);
    expect(allowed.calls.length).toBeGreaterThan(0);
    expect(tripwire.connections).toBe(0);
  });
});
