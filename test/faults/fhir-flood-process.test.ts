import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFhirStub, type FhirStub } from '../fhir/support/fhir-stub.js';
import { goodReferral } from '../fuzz/support/fuzz-check.js';
import { endlessSearchset, floodProbe } from './support/flood.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

/**
 * The real entry point under a 256 MB heap (`--max-old-space-size=256`) against a FHIR server that
 * streams without end: before FHIR_MAX_BYTES the process read every reply whole and died of
 * memory. Now each call answers 412 naming `too-large`, the process lives, and the next call is
 * answered.
 */
const OBS = '/fhir/Observation?patient=p-zhang-li-1989&_count=1000';
const CALLS = 8;
let stub: FhirStub;
let server: ServerProcess;
const probe = floodProbe();

beforeAll(async () => {
  stub = await startFhirStub({ [OBS]: endlessSearchset(probe) });
  server = await startServerProcess({ FHIR_TIMEOUT_MS: '20000' }, ['--max-old-space-size=256']);
});

afterAll(async () => {
  await server.stop();
  await stub.close();
});

it(`${CALLS} concurrent calls against an endless FHIR reply: 412 too-large each, the process survives`, async () => {
  const body = {
    ...goodReferral(),
    fhirServer: stub.fhirServer,
    fhirAuthorization: { access_token: 't', token_type: 'Bearer', expires_in: 300, scope: 's', subject: 'c' },
  };
  body.prefetch = { ...body.prefetch };
  delete body.prefetch.observations;
  const calls = await Promise.all(
    Array.from({ length: CALLS }, () =>
      fetch(`${server.origin}/cds-services/prenatal-diagnosis-referral`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    ),
  );
  for (const res of calls) {
    expect(res.status).toBe(412);
    expect(JSON.stringify(await res.json())).toContain('too-large');
  }
  // Every flooding connection was dropped by the service (awaited: the stub sees it a moment later).
  while (probe.cutOff < CALLS) await probe.nextCutOff();
  const next = await fetch(`${server.origin}/cds-services/prenatal-diagnosis-referral`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(goodReferral()),
  });
  expect(next.status).toBe(200);
  expect(server.proc.exitCode).toBeNull();
}, 120_000);
