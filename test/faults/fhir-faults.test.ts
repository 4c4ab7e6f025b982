import type { ServerResponse } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, hang, raw, sendJson, startFhirStub, truncated, type FhirStub, type StubHandler } from '../fhir/support/fhir-stub.js';
import { goodReferral } from '../fuzz/support/fuzz-check.js';
import { buildRealHarness, outcomeCode } from '../fuzz/support/real-app.js';

/**
 * FHIR server faults through the full HTTP app (real snapshot loader, real services): each one ends
 * in a timely 412 `data-unavailable` or a degraded-but-correct 200, never a hang or a 5xx.
 */
const TIMEOUT_MS = 500;
/** Loose upper bound: the fetch phase is bounded by FHIR_TIMEOUT_MS; the rest is generous slack. */
const BOUND_MS = TIMEOUT_MS + 5_000;
const PATH = '/cds-services/prenatal-diagnosis-referral';
const OBS = '/fhir/Observation?patient=p-zhang-li-1989&_count=1000';
const h = buildRealHarness({ FHIR_TIMEOUT_MS: String(TIMEOUT_MS), FHIR_MAX_PAGES: '5' });
const observations = goodReferral().prefetch.observations as { resourceType: 'Bundle'; entry: unknown[] };

/** Answers `body` after `ms` (a stub behaviour: the server is slow). */
const slow =
  (ms: number, body: unknown): StubHandler =>
  (_req, res) => {
    const t = setTimeout(() => sendJson(res, 200, body), ms);
    res.on('close', () => clearTimeout(t));
  };

/** Every page links to itself as `next`. */
const selfLoop =
  (stubRef: () => FhirStub): StubHandler =>
  (_req, res) => {
    sendJson(res, 200, { ...observations, link: [{ relation: 'next', url: `${stubRef().origin}${OBS}` }] });
  };

/** Endless distinct pages: `&page=n` links to `&page=n+1`. */
const endless =
  (stubRef: () => FhirStub): StubHandler =>
  (req, res: ServerResponse) => {
    const n = Number(new URL(req.url ?? '', 'http://x').searchParams.get('page') ?? '0');
    sendJson(res, 200, { ...observations, link: [{ relation: 'next', url: `${stubRef().origin}${OBS}&page=${n + 1}` }] });
  };

const FAULTS: Record<string, { handler: (s: () => FhirStub) => StubHandler; expect: 200 | 412 }> = {
  'slow (3 × FHIR_TIMEOUT_MS)': { handler: () => slow(3 * TIMEOUT_MS, observations), expect: 412 },
  hanging: { handler: () => hang(), expect: 412 },
  'HTTP 500': { handler: () => json({ resourceType: 'OperationOutcome', issue: [] }, 500), expect: 412 },
  'HTTP 401': { handler: () => json({ resourceType: 'OperationOutcome', issue: [] }, 401), expect: 412 },
  'malformed JSON': { handler: () => raw(200, '{"resourceType":"Bundle","entry":[{'), expect: 412 },
  'HTML instead of FHIR': { handler: () => raw(200, '<html>login</html>', 'text/html'), expect: 412 },
  'truncated body': { handler: () => truncated(observations), expect: 412 },
  'an OperationOutcome with 200': {
    handler: () => json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] }),
    expect: 412,
  },
  'pagination loop (next = self)': { handler: selfLoop, expect: 200 },
  'endless pagination': { handler: endless, expect: 200 },
};

let stub: FhirStub;
let current: StubHandler = json(observations);

beforeAll(async () => {
  const dispatch: StubHandler = (req, res, s) => current(req, res, s);
  const routes: Record<string, StubHandler> = { [OBS]: dispatch };
  for (let n = 1; n <= 10; n += 1) routes[`${OBS}&page=${n}`] = dispatch;
  stub = await startFhirStub(routes);
});

afterAll(async () => {
  await stub.close();
});

function callFetchingObservations(): request.Test {
  const body = {
    ...goodReferral(),
    fhirServer: stub.fhirServer,
    fhirAuthorization: { access_token: 'fault-token', token_type: 'Bearer', expires_in: 300, scope: 'user/*.read', subject: 'cds' },
  };
  body.prefetch = { ...body.prefetch };
  delete body.prefetch.observations;
  return request(h.app).post(PATH).send(body);
}

describe('FHIR server faults → timely 412 or degraded 200', () => {
  it.each(Object.entries(FAULTS))('%s', async (_name, fault) => {
    current = fault.handler(() => stub);
    const started = performance.now();
    const res = await callFetchingObservations();
    const elapsed = performance.now() - started;
    expect(elapsed, 'no hang').toBeLessThan(BOUND_MS);
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(fault.expect);
    if (fault.expect === 412) {
      expect(outcomeCode(res.body)).toBe('data-unavailable');
      expect(JSON.stringify(res.body)).toContain('prefetch.observations');
    } else {
      expect((res.body as { cards: unknown[] }).cards).toHaveLength(1);
    }
    expect(stub.unexpected).toEqual([]);
  });

  it('the app answers normally once the FHIR server is healthy again', async () => {
    current = json(observations);
    const res = await callFetchingObservations();
    expect(res.status).toBe(200);
    expect((res.body as { cards: unknown[] }).cards).toHaveLength(1);
  });

  it('an unreachable FHIR server (connection refused) → 412', async () => {
    const body = {
      ...goodReferral(),
      fhirServer: 'http://127.0.0.1:1/fhir',
      fhirAuthorization: { access_token: 't', token_type: 'Bearer', expires_in: 300, scope: 's', subject: 'c' },
    };
    body.prefetch = { ...body.prefetch };
    delete body.prefetch.observations;
    const res = await request(h.app).post(PATH).send(body);
    expect(res.status).toBe(412);
  });
});
