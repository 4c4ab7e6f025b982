import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { createFhirReader } from '../../src/fhir/fhir-client.js';
import { createSnapshotLoader } from '../../src/fhir/load-snapshot.js';
import type { HookRequest } from '../../src/cds-hooks/wire.js';
import { captureLogger, definitionWith } from '../fhir/support/definitions.js';
import { json, type StubHandler, useFhirStubs } from '../fhir/support/fhir-stub.js';
import { PATIENT_ID, patient } from '../fhir/support/fixtures.js';
import { bulkySearchset, countingFetch, endlessSearchset, floodProbe, type PullCounter } from './support/flood.js';

/**
 * FHIR reply bounds (docs/design.md#fhir-fallback): a reply body is streamed under a per-reply cap
 * and a per-call budget shared by every read of the call (pages included). Past a bound the read
 * fails `too-large` and its connection is dropped; what the client pulled stays within the bound
 * plus one chunk, however much the server would send.
 */
const TOKEN = 'ehr-access-token-5d1c';
const Q = `Observation?patient=${PATIENT_ID}&_count=1000`;
const OBS_PATH = `/fhir/${Q}`;
const PATIENT_PATH = `/fhir/Patient/${PATIENT_ID}`;
const KIB = 1024;
const MIB = 1024 * KIB;

const stub = useFhirStubs();

const raw =
  (text: string): StubHandler =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/fhir+json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

describe('createFhirReader reply bounds', () => {
  it('stops an endless reply at the budget, drops the connection and fails the read too-large', async () => {
    const probe = floodProbe();
    const s = await stub({ [OBS_PATH]: endlessSearchset(probe) });
    const counter: PullCounter = { bytes: 0, maxChunk: 0 };
    const cutOff = probe.nextCutOff();
    const reader = createFhirReader({
      fhirServer: s.fhirServer,
      accessToken: TOKEN,
      maxPages: 5,
      maxBytes: 2 * MIB,
      fetch: countingFetch(counter),
    });
    expect(await reader.read(Q)).toEqual({ ok: false, reason: 'too-large', status: 200 });
    await cutOff;
    expect(probe.cutOff).toBe(1);
    expect(counter.bytes).toBeGreaterThan(2 * MIB);
    expect(counter.bytes).toBeLessThanOrEqual(2 * MIB + counter.maxChunk);
  });

  it('applies the per-reply cap below the budget', async () => {
    const small = bulkySearchset(60 * KIB);
    const big = bulkySearchset(300 * KIB);
    const s = await stub({ [OBS_PATH]: raw(big), [`/fhir/${Q}&page=small`]: raw(small) });
    const reader = createFhirReader({
      fhirServer: s.fhirServer,
      accessToken: TOKEN,
      maxPages: 5,
      maxBytes: 4 * MIB,
      maxReplyBytes: 256 * KIB,
    });
    expect(await reader.read(Q)).toEqual({ ok: false, reason: 'too-large', status: 200 });
    const r = await reader.read(`${Q}&page=small`);
    expect(r.ok && r.resources.length).toBeGreaterThan(0);
  });

  it('shares the budget between the pages of one read', async () => {
    const routes: Record<string, StubHandler> = {};
    const s = await stub(routes);
    routes[OBS_PATH] = raw(bulkySearchset(400 * KIB, `${s.origin}${OBS_PATH}&page=2`));
    routes[`${OBS_PATH}&page=2`] = raw(bulkySearchset(400 * KIB));
    const within = await createFhirReader({ fhirServer: s.fhirServer, accessToken: TOKEN, maxPages: 5, maxBytes: 1 * MIB }).read(Q);
    expect(within.ok && within.pages).toBe(2);
    const over = await createFhirReader({ fhirServer: s.fhirServer, accessToken: TOKEN, maxPages: 5, maxBytes: 700 * KIB }).read(Q);
    expect(over).toEqual({ ok: false, reason: 'too-large', status: 200 });
  });

  it('shares the budget between the reads of one reader (one hook call)', async () => {
    const body = bulkySearchset(400 * KIB);
    const s = await stub({ [OBS_PATH]: raw(body), [`${OBS_PATH}&again=1`]: raw(body) });
    const reader = createFhirReader({ fhirServer: s.fhirServer, accessToken: TOKEN, maxPages: 5, maxBytes: 700 * KIB });
    expect((await reader.read(Q)).ok).toBe(true);
    expect(await reader.read(`${Q}&again=1`)).toEqual({ ok: false, reason: 'too-large', status: 200 });
    // A new reader (the next hook call) has its own budget.
    const next = createFhirReader({ fhirServer: s.fhirServer, accessToken: TOKEN, maxPages: 5, maxBytes: 700 * KIB });
    expect((await next.read(`${Q}&again=1`)).ok).toBe(true);
  });

  it('refuses a reply whose Content-Length is over the bound without reading its body', async () => {
    const s = await stub({
      [OBS_PATH]: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/fhir+json', 'content-length': String(250 * MIB) });
        res.write('{"resourceType":"Bundle","type":"searchset","entry":[');
      },
    });
    const counter: PullCounter = { bytes: 0, maxChunk: 0 };
    const reader = createFhirReader({
      fhirServer: s.fhirServer,
      accessToken: TOKEN,
      maxPages: 5,
      maxBytes: 20 * MIB,
      fetch: countingFetch(counter),
    });
    expect(await reader.read(Q)).toEqual({ ok: false, reason: 'too-large', status: 200 });
    expect(counter.bytes).toBe(0);
  });
});

describe('createSnapshotLoader with FHIR_MAX_BYTES', () => {
  const def = definitionWith({ patient: 'Patient/{{context.patientId}}', observations: Q.replace(PATIENT_ID, '{{context.patientId}}') }, [
    'patient',
  ]);
  function request(fhirServer: string, prefetch: Record<string, unknown>): HookRequest {
    return {
      hook: 'patient-view',
      hookInstance: '6b0c2f4e-3a51-4c1e-9d0e-2f1b7c9a8e41',
      fhirServer,
      fhirAuthorization: { access_token: TOKEN, token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'prenatal-cds' },
      context: { patientId: PATIENT_ID },
      prefetch,
    };
  }
  const load = (maxBytes: number, maxReplyBytes: number) =>
    createSnapshotLoader({ timeoutMs: 10_000, maxPages: 5, maxBytes, maxReplyBytes, logger: captureLogger().logger });

  it('an optional key flooded past its bound becomes unavailable; the call goes on', async () => {
    const probe = floodProbe();
    const s = await stub({ [PATIENT_PATH]: json(patient), [OBS_PATH]: endlessSearchset(probe) });
    const cutOff = probe.nextCutOff();
    const snapshot = await load(2 * MIB, 1 * MIB)(def, request(s.fhirServer, {}));
    expect(snapshot.patient?.id).toBe(PATIENT_ID);
    expect(snapshot.unavailable).toEqual(['observations']);
    await cutOff;
    expect(probe.cutOff).toBe(1);
  });

  it('a required key flooded past its bound is a 412 naming too-large', async () => {
    const probe = floodProbe();
    const s = await stub({ [PATIENT_PATH]: endlessSearchset(probe) });
    const err = await load(2 * MIB, 1 * MIB)(def, request(s.fhirServer, { observations: null })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('data-unavailable');
    expect(JSON.stringify((err as AppError).details)).toContain('fetch failed: too-large');
  });
});
