import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { createSnapshotLoader } from '../../src/fhir/load-snapshot.js';
import { renderPrefetchTemplate } from '../../src/fhir/prefetch-template.js';
import type { HookRequest } from '../../src/cds-hooks/wire.js';
import { captureLogger, definitionOf, definitionWith } from './support/definitions.js';
import { gated, hang, json, raw, truncated, type StubHandler, useFhirStubs } from './support/fhir-stub.js';
import {
  PATIENT_ID,
  afiObservation,
  eddObservation,
  emptySearchset,
  operationOutcome,
  patient,
  pregnancyStatus,
  searchset,
} from './support/fixtures.js';

const TOKEN = 'ehr-access-token-3f9a';
const PATIENT_PATH = `/fhir/Patient/${PATIENT_ID}`;
const OBS_PATH = `/fhir/Observation?patient=${PATIENT_ID}&_count=1000`;
const COND_PATH = `/fhir/Condition?patient=${PATIENT_ID}&_count=1000`;
const MINIMAL = definitionWith(
  { patient: 'Patient/{{context.patientId}}', observations: 'Observation?patient={{context.patientId}}&_count=1000' },
  ['patient', 'observations'],
);

const stub = useFhirStubs();

function request(
  fhirServer: string | undefined,
  prefetch: Record<string, unknown> | undefined,
  context: Record<string, unknown> = {},
): HookRequest {
  return {
    hook: 'patient-view',
    hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
    ...(fhirServer
      ? {
          fhirServer,
          fhirAuthorization: {
            access_token: TOKEN,
            token_type: 'Bearer',
            expires_in: 300,
            scope: 'patient/*.read',
            subject: 'prenatal-cds',
          },
        }
      : {}),
    context: { userId: 'Practitioner/dr-li', patientId: PATIENT_ID, ...context },
    ...(prefetch ? { prefetch } : {}),
  };
}

function loader(timeoutMs = 5_000, maxPages = 5) {
  const { logger, lines } = captureLogger();
  return { load: createSnapshotLoader({ timeoutMs, maxPages, logger }), lines };
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('createSnapshotLoader', () => {
  it('uses prefetched data without calling the FHIR server; snapshot deduplicated and deep-frozen', async () => {
    const s = await stub({});
    const { load } = loader();
    const observations = searchset([eddObservation, afiObservation, eddObservation]);
    observations.entry?.push({ resource: patient, search: { mode: 'include' } });
    const snap = await load(MINIMAL, request(s.fhirServer, { patient, observations }));
    expect(s.calls).toEqual([]);
    expect(snap.patient).toEqual(patient);
    expect(snap.ofType('Observation').map((o) => o.id)).toEqual(['obs-edd', 'obs-afi']);
    expect(snap.ofType('Patient')).toHaveLength(1);
    expect(snap.unavailable).toEqual([]);
    expect(Object.isFrozen(snap)).toBe(true);
    expect(Object.isFrozen(snap.ofType('Observation')[0]?.code?.coding?.[0])).toBe(true);
    expect(() => {
      (snap.patient as { gender?: string }).gender = 'male';
    }).toThrow(TypeError);
  });

  it('fetches absent and failed keys with the bearer token; no-data is final', async () => {
    const s = await stub({ [PATIENT_PATH]: json(patient), [OBS_PATH]: json(searchset([eddObservation, pregnancyStatus])) });
    const def = definitionWith({ ...MINIMAL.prefetch, conditions: 'Condition?patient={{context.patientId}}&_count=1000' }, [
      'patient',
      'observations',
      'conditions',
    ]);
    const { load, lines } = loader();
    const snap = await load(def, request(s.fhirServer, { observations: operationOutcome, conditions: null }));
    expect(s.calls.map((c) => c.url).sort()).toEqual([OBS_PATH, PATIENT_PATH].sort());
    expect(s.calls.every((c) => c.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(snap.patient?.id).toBe(PATIENT_ID);
    expect(snap.ofType('Observation').map((o) => o.id)).toEqual(['obs-edd', 'obs-preg']);
    expect(snap.ofType('Condition')).toEqual([]);
    const log = JSON.parse(lines.find((l) => l.includes('prefetch resolved')) ?? '{}') as { keys: Record<string, unknown> };
    expect(log.keys).toEqual({
      patient: { prefetch: 'absent', fetched: true, count: 1, available: true },
      observations: { prefetch: 'failed', fetched: true, count: 2, available: true },
      conditions: { prefetch: 'no-data', fetched: false, count: 0, available: true },
    });
    const all = lines.join('\n');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('王丽');
    expect(all).not.toContain('11778-8');
  });

  it('fetches every key when the request has no prefetch member, all in parallel', async () => {
    const def = definitionOf('prenatal-diagnosis-referral');
    const ctx = request(undefined, undefined).context;
    // The keys that apply to a Practitioner user without an encounter.
    const queries = Object.values(def.prefetch).flatMap((t) => {
      const r = renderPrefetchTemplate(t, ctx);
      return r.ok ? [r.query] : [];
    });
    const keys = queries;
    expect(keys.length).toBe(Object.keys(def.prefetch).length - 2);
    const routes: Record<string, StubHandler> = {};
    for (const query of queries) {
      const path = `/fhir/${query}`;
      routes[path] = gated(keys.length, path.startsWith('/fhir/Patient/') ? patient : emptySearchset);
    }
    const s = await stub(routes);
    const snap = await loader().load(def, request(s.fhirServer, undefined));
    expect(s.calls).toHaveLength(keys.length);
    expect(s.maxInFlight).toBe(keys.length);
    expect(snap.patient?.id).toBe(PATIENT_ID);
    expect(snap.unavailable).toEqual([]);
  });

  it('fetches many keys in parallel under one caller signal without a listener-leak warning', async () => {
    // One abort listener per key read sits on the phase's signal: past Node's default of 10 it
    // warned on every such call (order-sign has more than ten keys).
    const codes = Array.from({ length: 16 }, (_, i) => `code-${i}`);
    const prefetch = Object.fromEntries([
      ['patient', 'Patient/{{context.patientId}}'],
      ...codes.map((c) => [c, `Observation?patient={{context.patientId}}&code=${c}`]),
    ]);
    const routes: Record<string, StubHandler> = { [PATIENT_PATH]: json(patient) };
    for (const c of codes) routes[`/fhir/Observation?patient=${PATIENT_ID}&code=${c}`] = gated(codes.length, emptySearchset);
    const s = await stub(routes);
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w);
    };
    process.on('warning', onWarning);
    try {
      const snap = await loader().load(
        definitionWith(prefetch, ['patient']),
        request(s.fhirServer, undefined),
        new AbortController().signal,
      );
      expect(snap.unavailable).toEqual([]);
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(s.maxInFlight).toBe(codes.length);
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });

  it('412 naming each required key that can be neither prefetched nor fetched (no fhirServer)', async () => {
    const err = await rejection(loader().load(MINIMAL, request(undefined, { patient })));
    expect(err.status).toBe(412);
    expect(err.code).toBe('data-unavailable');
    expect(err.details).toEqual([{ path: 'prefetch.observations', message: expect.stringContaining('no fhirServer') }]);
  });

  it('412 when fhirServer comes without fhirAuthorization (the service may not query it)', async () => {
    const s = await stub({});
    const req = { ...request(s.fhirServer, { patient }), fhirAuthorization: undefined };
    const err = await rejection(loader().load(MINIMAL, req));
    expect(err.details.map((d) => d.path)).toEqual(['prefetch.observations']);
  });

  it('412 for a required key whose template cannot be rendered, naming the token', async () => {
    const def = definitionWith({ ...MINIMAL.prefetch, practitioner: 'Practitioner/{{userPractitionerId}}' }, ['patient', 'practitioner']);
    const req = request(undefined, { patient, observations: null }, { userId: 'PractitionerRole/role-9' });
    const err = await rejection(loader().load(def, req));
    expect(err.details).toEqual([{ path: 'prefetch.practitioner', message: expect.stringContaining('{{userPractitionerId}}') }]);
  });

  it('degrades for an optional key: the snapshot lists it as unavailable', async () => {
    const def = definitionOf('prenatal-diagnosis-referral-encounter');
    const s = await stub({ [`/fhir/Encounter/enc-77`]: json(operationOutcome, 404) });
    const prefetch: Record<string, unknown> = { patient, practitioner: null, practitionerRoles: null };
    // every search key prefetched (the required ones and the optional procedures / serviceRequests), the encounter not
    for (const key of Object.keys(def.prefetch)) if (!(key in prefetch) && key !== 'encounter') prefetch[key] = emptySearchset;
    const snap = await loader().load(def, request(s.fhirServer, prefetch, { encounterId: 'enc-77' }));
    expect(snap.unavailable).toEqual(['encounter']);
    expect(snap.encounterId).toBe('enc-77');
    expect(snap.patient?.id).toBe(PATIENT_ID);
  });

  it('prefetch.patient null (the EHR says there is no patient): a no-data snapshot, a warning, nothing fetched', async () => {
    const s = await stub({});
    const { load, lines } = loader();
    const snap = await load(MINIMAL, request(s.fhirServer, { patient: null }));
    expect(snap.patientNoData).toBe(true);
    expect(snap.patient).toBeUndefined();
    expect(s.calls).toEqual([]);
    const warning = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['level'] === 40);
    expect(warning?.['msg']).toBe('prefetch.patient is null: no patient data, no cards');
  });

  it('412 when the Patient is missing, even when the definition does not list it as required', async () => {
    const def = definitionWith(MINIMAL.prefetch, []);
    const err = await rejection(loader().load(def, request(undefined, { observations: null })));
    expect(err.details).toEqual([{ path: 'prefetch.patient', message: expect.any(String) }]);
    const other = await rejection(
      loader().load(def, request(undefined, { patient: { ...patient, id: 'someone-else' }, observations: null })),
    );
    expect(other.details.map((d) => d.path)).toEqual(['prefetch.patient']);
  });

  it('412 within timeoutMs when the FHIR server never answers', async () => {
    const s = await stub({ [OBS_PATH]: hang() });
    const started = performance.now();
    const err = await rejection(loader(300).load(MINIMAL, request(s.fhirServer, { patient })));
    expect(performance.now() - started).toBeLessThan(300 + 5_000);
    expect(err.details).toEqual([{ path: 'prefetch.observations', message: expect.stringContaining('timeout') }]);
  });

  it.each<[string, StubHandler, string]>([
    ['HTTP 500', json(operationOutcome, 500), 'http-status 500'],
    ['HTTP 401', json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login' }] }, 401), 'http-status 401'],
    ['malformed JSON', raw(200, '{"resourceType":"Bundle","entry":[{'), 'malformed-json'],
    ['a truncated body', truncated(searchset([eddObservation, afiObservation])), 'truncated-body'],
  ])('412 for a required key on %s', async (_name, handler, reason) => {
    const s = await stub({ [OBS_PATH]: handler });
    const err = await rejection(loader().load(MINIMAL, request(s.fhirServer, { patient })));
    expect(err.status).toBe(412);
    expect(err.details).toEqual([{ path: 'prefetch.observations', message: expect.stringContaining(reason) }]);
    expect(s.calls).toHaveLength(1);
  });

  it('names every unavailable required key in one 412', async () => {
    const def = definitionWith({ ...MINIMAL.prefetch, conditions: 'Condition?patient={{context.patientId}}&_count=1000' }, [
      'patient',
      'observations',
      'conditions',
    ]);
    const s = await stub({ [OBS_PATH]: json(operationOutcome, 503), [COND_PATH]: raw(200, 'not json') });
    const err = await rejection(loader().load(def, request(s.fhirServer, { patient })));
    expect(err.details.map((d) => d.path).sort()).toEqual(['prefetch.conditions', 'prefetch.observations']);
  });

  it('carries draftOrders, selections, userId and encounterId of the context', async () => {
    const draft: Resource = {
      resourceType: 'ServiceRequest',
      id: 'sr-nipt',
      status: 'draft',
      intent: 'order',
      code: { coding: [{ system: 'http://prenatal-cds.org/fhir/CodeSystem/prenatal-order', code: 'nipt' }] },
      subject: { reference: `Patient/${PATIENT_ID}` },
    };
    const context = {
      draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: draft }] },
      selections: ['ServiceRequest/sr-nipt', 42],
      encounterId: 'enc-77',
    };
    const snap = await loader().load(MINIMAL, request(undefined, { patient, observations: emptySearchset }, context));
    expect(snap.draftOrders).toEqual([draft]);
    expect(Object.isFrozen(snap.draftOrders[0])).toBe(true);
    expect(snap.selections).toEqual(['ServiceRequest/sr-nipt']);
    expect(snap.userId).toBe('Practitioner/dr-li');
    expect(snap.encounterId).toBe('enc-77');
  });
});
