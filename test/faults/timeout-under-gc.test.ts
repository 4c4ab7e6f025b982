import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendJson, startFhirStub, type FhirStub } from '../fhir/support/fhir-stub.js';
import { goodReferral } from '../fuzz/support/fuzz-check.js';
import { buildRealHarness } from '../fuzz/support/real-app.js';

/**
 * FHIR_TIMEOUT_MS must hold even when the garbage collector runs while a fetch is in flight.
 * Node's AbortSignal.timeout() timer holds its signal weakly; a timeout signal reachable only
 * through AbortSignal.any() can be collected and then never fires (nodejs/node#57736), so a slow
 * FHIR server is waited for in full — and a hanging one forever.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const TIMEOUT_MS = 300;
const SLOW_MS = 4_000;
const OBS = '/fhir/Observation?patient=p-zhang-li-1989&_count=1000';
const h = buildRealHarness({ FHIR_TIMEOUT_MS: String(TIMEOUT_MS) });
let stub: FhirStub;

beforeAll(async () => {
  const observations = goodReferral().prefetch.observations;
  stub = await startFhirStub({
    [OBS]: (_req, res) => {
      const t = setTimeout(() => sendJson(res, 200, observations), SLOW_MS);
      res.on('close', () => clearTimeout(t));
    },
  });
});

afterAll(async () => {
  await stub.close();
});

it('a slow FHIR server still yields a 412 after FHIR_TIMEOUT_MS when a GC runs mid-fetch', async () => {
  const body = {
    ...goodReferral(),
    fhirServer: stub.fhirServer,
    fhirAuthorization: { access_token: 't', token_type: 'Bearer', expires_in: 300, scope: 's', subject: 'c' },
  };
  body.prefetch = { ...body.prefetch };
  delete body.prefetch.observations;
  const started = performance.now();
  const pending = request(h.app)
    .post('/cds-services/prenatal-diagnosis-referral')
    .send(body)
    .then((r) => r);
  await stub.inFlightReached(1);
  gc();
  gc();
  const res = await pending;
  const elapsed = performance.now() - started;
  expect({ status: res.status, waitedForTheSlowServer: elapsed >= SLOW_MS }).toEqual({ status: 412, waitedForTheSlowServer: false });
}, 20_000);
