import { describe, expect, it } from 'vitest';
import { createFhirReader } from '../../src/fhir/fhir-client.js';
import { afiObservation, eddObservation, pregnancyStatus, searchset } from './support/fixtures.js';
import { json, startFhirStub, type FhirStub, type StubHandler, useFhirStubs } from './support/fhir-stub.js';

const TOKEN = 'ehr-access-token-3f9a';
const Q = 'Observation?patient=pat-zj-001&_count=1';
const P1 = `/fhir/${Q}`;
const page = (n: number) => `/fhir/Observation?patient=pat-zj-001&_count=1&page=${n}`;

const stub = useFhirStubs();

describe('createFhirReader (MedplumClient against a generic FHIR server)', () => {
  it('reads a query relative to fhirServer with the bearer token and FHIR JSON accept header', async () => {
    const s = await stub({ [P1]: json(searchset([eddObservation])) });
    const calls: string[] = [];
    const reader = createFhirReader({
      fhirServer: s.fhirServer,
      accessToken: TOKEN,
      maxPages: 5,
      fetch: (url, init) => {
        calls.push(url);
        return fetch(url, init);
      },
    });
    const r = await reader.read(Q);
    expect(r).toEqual({ ok: true, resources: [eddObservation], pages: 1 });
    expect(s.calls).toEqual([{ url: P1, authorization: `Bearer ${TOKEN}`, accept: 'application/fhir+json' }]);
    expect(calls).toEqual([`${s.origin}${P1}`]);
  });

  it('follows next links up to maxPages and says the result is incomplete', async () => {
    const obs = [eddObservation, afiObservation, pregnancyStatus];
    const routes: Record<string, StubHandler> = {};
    const s = await stub(routes);
    routes[P1] = json(searchset([obs[0]!], { self: `${s.origin}${P1}`, next: `${s.origin}${page(2)}` }));
    routes[page(2)] = json(searchset([obs[1]!], { next: `${s.origin}${page(3)}` }));
    routes[page(3)] = json(searchset([obs[2]!], { next: `${s.origin}${page(4)}` }));
    const r = await createFhirReader({ fhirServer: s.fhirServer, accessToken: TOKEN, maxPages: 3 }).read(Q);
    expect(r).toEqual({ ok: true, resources: obs, pages: 3, incomplete: 'max-pages' });
    expect(s.calls.map((c) => c.url)).toEqual([P1, page(2), page(3)]);
    expect(s.calls.every((c) => c.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('follows a HAPI-style next link on the base path itself and stops when there is no next', async () => {
    const routes: Record<string, StubHandler> = {};
    const s = await stub(routes);
    routes[P1] = json(searchset([eddObservation], { next: `${s.origin}/fhir?_getpages=abc&_getpagesoffset=1&_count=1` }));
    routes['/fhir?_getpages=abc&_getpagesoffset=1&_count=1'] = json(searchset([afiObservation]));
    const r = await createFhirReader({ fhirServer: `${s.fhirServer}/`, accessToken: TOKEN, maxPages: 10 }).read(Q);
    expect(r).toEqual({ ok: true, resources: [eddObservation, afiObservation], pages: 2 });
  });

  it('stops a pagination loop (the same next URL twice)', async () => {
    const routes: Record<string, StubHandler> = {};
    const s = await stub(routes);
    routes[P1] = json(searchset([eddObservation], { next: `${s.origin}${page(2)}` }));
    routes[page(2)] = json(searchset([afiObservation], { next: `${s.origin}${P1}` }));
    const r = await createFhirReader({ fhirServer: s.fhirServer, accessToken: TOKEN, maxPages: 50 }).read(Q);
    expect(r).toEqual({ ok: true, resources: [eddObservation, afiObservation], pages: 2, incomplete: 'loop' });
    expect(s.calls).toHaveLength(2);
  });

  it.each([
    ['another origin', (attacker: FhirStub) => `${attacker.origin}/fhir/Observation?page=2`],
    ['the same origin outside the base path', (_a: FhirStub) => '/admin/export?page=2'],
    ['a sibling path sharing the prefix', (_a: FhirStub) => '/fhir-internal/Observation?page=2'],
  ])('does not follow a next link to %s (SSRF)', async (_name, link) => {
    const attacker = await stub({});
    const routes: Record<string, StubHandler> = {};
    const s = await stub(routes);
    const next = link(attacker);
    routes[P1] = json(searchset([eddObservation], { next: next.startsWith('/') ? `${s.origin}${next}` : next }));
    const r = await createFhirReader({ fhirServer: s.fhirServer, accessToken: TOKEN, maxPages: 5 }).read(Q);
    expect(r).toEqual({ ok: true, resources: [eddObservation], pages: 1, incomplete: 'foreign-next-link' });
    expect(attacker.calls).toEqual([]);
    expect(s.calls).toHaveLength(1);
  });

  it('does not follow redirects (the token would go elsewhere)', async () => {
    const attacker = await stub({});
    const s = await stub({
      [P1]: (_req, res) => {
        res.writeHead(302, { location: `${attacker.origin}/steal` });
        res.end();
      },
    });
    const r = await createFhirReader({ fhirServer: s.fhirServer, accessToken: TOKEN, maxPages: 5 }).read(Q);
    expect(r).toEqual({ ok: false, reason: 'http-status', status: 302 });
    expect(attacker.calls).toEqual([]);
  });

  it('refuses a fhirServer that is not an absolute http(s) URL', async () => {
    for (const fhirServer of ['ftp://ehr.example.cn/fhir', 'not a url', 'https://user:pw@ehr.example.cn/fhir']) {
      expect(await createFhirReader({ fhirServer, accessToken: TOKEN, maxPages: 1 }).read(Q)).toEqual({
        ok: false,
        reason: 'invalid-fhir-server',
      });
    }
  });

  it('reports a refused connection as a network failure', async () => {
    const s = await startFhirStub({});
    const fhirServer = s.fhirServer;
    await s.close();
    expect(await createFhirReader({ fhirServer, accessToken: TOKEN, maxPages: 1 }).read(Q)).toEqual({ ok: false, reason: 'network' });
  });

  it('reports a 200 OperationOutcome or a non-FHIR JSON body as failures', async () => {
    const s = await stub({
      [P1]: json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'too-costly' }] }),
      '/fhir/Patient/x': json([{ resourceType: 'Patient' }]),
    });
    const reader = createFhirReader({ fhirServer: s.fhirServer, accessToken: TOKEN, maxPages: 1 });
    expect(await reader.read(Q)).toEqual({ ok: false, reason: 'operation-outcome' });
    expect(await reader.read('Patient/x')).toEqual({ ok: false, reason: 'not-fhir' });
  });
});
