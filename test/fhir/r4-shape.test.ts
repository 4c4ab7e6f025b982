import type { Bundle, Resource } from '@medplum/fhirtypes';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { deadline } from '../../src/fhir/deadline.js';
import { createFhirReader } from '../../src/fhir/fhir-client.js';
import { createSnapshotLoader } from '../../src/fhir/load-snapshot.js';
import { classifyValue } from '../../src/fhir/prefetch-state.js';
import { checkResourceShape, describeShapeProblem } from '../../src/fhir/r4-shape.js';
import type { HookRequest } from '../../src/cds-hooks/wire.js';
import { captureLogger, definitionWith } from './support/definitions.js';
import { hang, json, startFhirStub } from './support/fhir-stub.js';
import { PATIENT_ID, afiObservation, eddObservation, patient, searchset } from './support/fixtures.js';

const clone = <T>(v: T): T => structuredClone(v);
const at = (r: unknown) => {
  const p = checkResourceShape(r);
  return p === undefined ? undefined : describeShapeProblem(p);
};

describe('checkResourceShape', () => {
  it('accepts well-formed R4 resources, unknown members, _primitive extensions and unknown resource types', () => {
    expect(at(patient)).toBeUndefined();
    expect(at(eddObservation)).toBeUndefined();
    expect(at(searchset([patient, eddObservation, afiObservation]))).toBeUndefined();
    expect(
      at({ ...patient, vendorExtra: { anything: [1, null] }, _birthDate: { extension: [{ url: 'u', valueString: 'x' }] } }),
    ).toBeUndefined();
    expect(
      at({ ...patient, name: [{ given: [null, 'Li'], _given: [{ extension: [{ url: 'u', valueCode: 'x' }] }, null] }] }),
    ).toBeUndefined();
    expect(at({ resourceType: 'NotAnR4Type', id: 'x', name: 5 })).toBeUndefined();
    expect(at({ resourceType: 'Patient', contained: [{ resourceType: 'Organization', id: 'o', name: 'ok' }] })).toBeUndefined();
  });

  it.each<[string, (r: Record<string, unknown>) => void, string]>([
    [
      'name an object',
      (r) => {
        r['name'] = { family: 'Li' };
      },
      'name',
    ],
    [
      'name null',
      (r) => {
        r['name'] = null;
      },
      'name',
    ],
    [
      'birthDate a number',
      (r) => {
        r['birthDate'] = 19850101;
      },
      'birthDate',
    ],
    [
      'gender an array',
      (r) => {
        r['gender'] = ['female'];
      },
      'gender',
    ],
    [
      'given a string',
      (r) => {
        r['name'] = [{ given: 'Li' }];
      },
      'name[0].given',
    ],
    [
      'text a number',
      (r) => {
        r['text'] = 3;
      },
      'text',
    ],
    [
      'null in an array',
      (r) => {
        r['identifier'] = [null];
      },
      'identifier[0]',
    ],
    [
      'deceasedBoolean a string',
      (r) => {
        r['deceasedBoolean'] = 'true';
      },
      'deceasedBoolean',
    ],
    [
      'multipleBirthInteger 1.5',
      (r) => {
        r['multipleBirthInteger'] = 1.5;
      },
      'multipleBirthInteger',
    ],
    [
      'extension value of the wrong type',
      (r) => {
        r['extension'] = [{ url: 'u', valueCoding: 'x' }];
      },
      'extension[0].valueCoding',
    ],
    [
      'contained resource malformed',
      (r) => {
        r['contained'] = [{ resourceType: 'Organization', id: 'o', name: ['x'] }];
      },
      'contained[0].name',
    ],
  ])('Patient with %s', (_label, edit, path) => {
    const r = clone(patient) as unknown as Record<string, unknown>;
    edit(r);
    expect(at(r)).toBe(`Patient/${PATIENT_ID} is not valid FHIR R4: ${path}`);
  });

  it('names the Bundle entry that is malformed, with its path in the Bundle', () => {
    const obs = clone(eddObservation) as unknown as Record<string, unknown>;
    obs['code'] = { coding: null };
    const problem = checkResourceShape(searchset([patient, obs as unknown as Resource]));
    expect(problem).toEqual({ resource: 'Observation/obs-edd', path: 'code.coding', fullPath: 'entry[1].resource.code.coding' });
    expect(classifyValue(searchset([obs as unknown as Resource]))).toEqual({
      state: 'failed',
      reason: 'malformed-resource',
      detail: 'Observation/obs-edd is not valid FHIR R4: code.coding',
    });
  });

  it('refuses pathological nesting instead of recursing without bound', () => {
    let ext: Record<string, unknown> = { url: 'leaf', valueString: 'x' };
    for (let i = 0; i < 5_000; i += 1) ext = { url: `u${i}`, extension: [ext] };
    expect(at({ resourceType: 'Patient', id: 'p', extension: [ext] })).toMatch(/^Patient\/p is not valid FHIR R4: extension\[0\]/);
  });

  it('is cheap: a 1,000-resource Bundle in one walk', () => {
    const entries = Array.from({ length: 1_000 }, (_, i) => ({
      resource: { ...clone(i % 2 ? eddObservation : afiObservation), id: `o-${i}` },
    }));
    const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset', entry: entries as Bundle['entry'] };
    checkResourceShape(bundle); // warm the compiled type tables
    const started = performance.now();
    const problem = checkResourceShape(bundle);
    const ms = performance.now() - started;
    console.log(`[r4-shape] 1,000-resource Bundle checked in ${ms.toFixed(2)} ms`);
    expect(problem).toBeUndefined();
  });
});

describe('loader semantics for malformed resources', () => {
  const DEF = definitionWith({ patient: 'Patient/{{context.patientId}}', observations: 'Observation?patient={{context.patientId}}' }, [
    'patient',
  ]);
  const request = (prefetch: Record<string, unknown>, context: Record<string, unknown> = {}, fhirServer?: string): HookRequest => ({
    hook: 'patient-view',
    hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
    ...(fhirServer
      ? { fhirServer, fhirAuthorization: { access_token: 't', token_type: 'Bearer', expires_in: 300, scope: 's', subject: 'c' } }
      : {}),
    context: { userId: 'Practitioner/dr-li', patientId: PATIENT_ID, ...context },
    prefetch,
  });
  const load = createSnapshotLoader({ timeoutMs: 2_000, maxPages: 2, logger: captureLogger().logger });
  const reject = async (p: Promise<unknown>): Promise<AppError> => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  };
  const badObs = { ...clone(eddObservation), code: { coding: 'x' } };

  it('a required key → 412 naming the resource and path', async () => {
    const err = await reject(
      load(DEF, request({ patient: { ...clone(patient), name: { family: 'Li' } }, observations: searchset([eddObservation]) })),
    );
    expect({ code: err.code, status: err.status, details: err.details }).toEqual({
      code: 'data-unavailable',
      status: 412,
      details: [{ path: 'prefetch.patient', message: `Patient/${PATIENT_ID} is not valid FHIR R4: name` }],
    });
  });

  it('an optional key → its data dropped whole and the key listed as unavailable', async () => {
    const snap = await load(DEF, request({ patient, observations: searchset([afiObservation, badObs as unknown as Resource]) }));
    expect(snap.unavailable).toEqual(['observations']);
    expect(snap.ofType('Observation')).toEqual([]);
  });

  it('a malformed prefetched key is fetched again when it can be; malformed fetched data counts as unavailable', async () => {
    const s = await startFhirStub({
      [`/fhir/Patient/${PATIENT_ID}`]: json(patient),
      [`/fhir/Observation?patient=${PATIENT_ID}`]: json(searchset([badObs as unknown as Resource])),
    });
    try {
      const snap = await load(DEF, request({ patient: { ...clone(patient), gender: 7 } }, {}, s.fhirServer));
      expect(snap.patient?.id).toBe(PATIENT_ID);
      expect(snap.unavailable).toEqual(['observations']);
    } finally {
      await s.close();
    }
  });

  it('a malformed draft order → 400 invalid-request with its path in the request', async () => {
    const sr = {
      resourceType: 'ServiceRequest',
      id: 'sr-1',
      status: 'draft',
      intent: 'order',
      subject: { reference: `Patient/${PATIENT_ID}` },
      code: { coding: { code: 'x' } },
    };
    const draftOrders = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: { ...sr, code: { text: 'ok' } } }, { resource: sr }],
    };
    const err = await reject(load(DEF, request({ patient }, { draftOrders })));
    expect({ code: err.code, status: err.status, details: err.details }).toEqual({
      code: 'invalid-request',
      status: 400,
      details: [
        { path: 'context.draftOrders.entry[1].resource.code.coding', message: 'ServiceRequest/sr-1 is not valid FHIR R4: code.coding' },
      ],
    });
    const ok = await load(DEF, request({ patient }, { draftOrders: { ...draftOrders, entry: [draftOrders.entry[0]] } }));
    expect(ok.draftOrders.map((r) => r.id)).toEqual(['sr-1']);
  });
});

describe('deadline', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;

  it('fires with a TimeoutError even when a GC runs while waiting', async () => {
    const d = deadline(50);
    const fired = new Promise<unknown>((resolve) => d.signal.addEventListener('abort', () => resolve(d.signal.reason)));
    gc();
    gc();
    const reason = await fired;
    d.dispose();
    expect((reason as Error).name).toBe('TimeoutError');
  });

  it('follows the caller signal, and dispose clears the timer and the listener', async () => {
    const caller = new AbortController();
    const d = deadline(10_000, caller.signal);
    caller.abort(new Error('client gone'));
    expect(d.signal.aborted).toBe(true);
    expect((d.signal.reason as Error).message).toBe('client gone');
    d.dispose();
    const late = new AbortController();
    const d2 = deadline(20, late.signal);
    d2.dispose();
    late.abort();
    await new Promise((r) => setTimeout(r, 40));
    expect(d2.signal.aborted).toBe(false);
  });

  it('a hanging FHIR server read ends as a timeout after a GC', async () => {
    const s = await startFhirStub({ '/fhir/Observation?patient=p': hang() });
    try {
      const reader = createFhirReader({ fhirServer: s.fhirServer, accessToken: 't', maxPages: 1, timeoutMs: 150 });
      const pending = reader.read('Observation?patient=p');
      gc();
      expect(await pending).toEqual({ ok: false, reason: 'timeout' });
    } finally {
      await s.close();
    }
  });
});
