import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { buildHarness, patientViewRequest } from '../support/app-fixture.js';

const URL = '/cds-services/prenatal-diagnosis-referral';
type Outcome = {
  resourceType: string;
  issue: { severity: string; code: string; diagnostics?: string; expression?: string[]; details: { coding: { code: string }[] } }[];
};

function expectOutcome(res: request.Response, status: number, code: string): Outcome {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
  const body = res.body as Outcome;
  expect(body.resourceType).toBe('OperationOutcome');
  expect(body.issue[0]?.details.coding[0]?.code).toBe(code);
  return body;
}

const paths = (o: Outcome) => o.issue.flatMap((i) => i.expression ?? []);

describe('POST /cds-services/{id}: error paths (OperationOutcome, stable codes)', () => {
  it('400 malformed-json, never echoing the body', async () => {
    const h = buildHarness();
    const res = await request(h.app).post(URL).set('Content-Type', 'application/json').send('{"hook": "patient-view", SECRETBODY');
    expectOutcome(res, 400, 'malformed-json');
    expect(JSON.stringify(res.body)).not.toContain('SECRETBODY');
    expect(JSON.stringify(h.logLines())).not.toContain('SECRETBODY');
  });

  it('400 malformed-json for an empty body and for invalid UTF-8', async () => {
    const h = buildHarness();
    expectOutcome(await request(h.app).post(URL).set('Content-Type', 'application/json').send(''), 400, 'malformed-json');
    expectOutcome(
      await request(h.app)
        .post(URL)
        .set('Content-Type', 'application/json')
        .serialize((b: unknown) => b as string)
        .send(Buffer.from([0x22, 0xff, 0xfe, 0x22])),
      400,
      'malformed-json',
    );
  });

  it('400 invalid-request with the zod issue paths as data', async () => {
    const h = buildHarness();
    const res = await request(h.app).post(URL).send({ hook: 'patient-view', context: {}, prefetch: [] });
    const o = expectOutcome(res, 400, 'invalid-request');
    expect(paths(o)).toEqual(expect.arrayContaining(['hookInstance', 'prefetch']));
    expect(h.handled).toHaveLength(0);
  });

  it('400 invalid-request for a hook context that breaks the hook schema (paths under context)', async () => {
    const h = buildHarness();
    const res = await request(h.app)
      .post(URL)
      .send(patientViewRequest({ context: { userId: 'Device/1', patientId: '../x?y' } }));
    const o = expectOutcome(res, 400, 'invalid-request');
    expect(paths(o).sort()).toEqual(['context.patientId', 'context.userId']);
  });

  it('400 invalid-request when fhirAuthorization comes without fhirServer', async () => {
    const h = buildHarness();
    const res = await request(h.app)
      .post(URL)
      .send(
        patientViewRequest({ fhirAuthorization: { access_token: 't', token_type: 'Bearer', expires_in: 1, scope: 's', subject: 'c' } }),
      );
    expect(paths(expectOutcome(res, 400, 'invalid-request'))).toEqual(['fhirServer']);
    expect(JSON.stringify(res.body)).not.toContain('"t"');
  });

  it("400 hook-mismatch when the hook is not the service's", async () => {
    const h = buildHarness();
    const res = await request(h.app).post('/cds-services/nipt-order-check').send(patientViewRequest());
    expect(paths(expectOutcome(res, 400, 'hook-mismatch'))).toEqual(['hook']);
  });

  it('401 unauthorized with no detail on the wire (the cause stays in the log)', async () => {
    const h = buildHarness({
      deps: {
        authenticate: async () => {
          throw new AppError('unauthorized', [{ message: 'aud mismatch' }]);
        },
      },
    });
    const res = await request(h.app).post(URL).send(patientViewRequest());
    const o = expectOutcome(res, 401, 'unauthorized');
    expect(o.issue).toHaveLength(1);
    expect(o.issue[0]?.diagnostics).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain('aud mismatch');
    expect(h.handled).toHaveLength(0);
  });

  it('authenticates before validating: a bad token on an invalid body is 401, not 400', async () => {
    const h = buildHarness({
      deps: {
        authenticate: async () => {
          throw new AppError('unauthorized');
        },
      },
    });
    expectOutcome(await request(h.app).post(URL).send({ nonsense: true }), 401, 'unauthorized');
  });

  it('404 unknown-service for an unknown id, whatever the method', async () => {
    const h = buildHarness();
    expectOutcome(await request(h.app).post('/cds-services/no-such-service').send(patientViewRequest()), 404, 'unknown-service');
    expectOutcome(await request(h.app).get('/cds-services/no-such-service'), 404, 'unknown-service');
  });

  it('404 not-found for unknown paths (and undecodable ones)', async () => {
    const h = buildHarness();
    expectOutcome(await request(h.app).get('/'), 404, 'not-found');
    expectOutcome(await request(h.app).post('/cds-services/prenatal-diagnosis-referral/extra/path').send({}), 404, 'not-found');
    expectOutcome(await request(h.app).post('/cds-services/%E0%A4%A').send(patientViewRequest()), 404, 'not-found');
  });

  it.each(['get', 'put', 'delete', 'patch'] as const)(
    '405 method-not-allowed with Allow: POST for %s on a known service',
    async (method) => {
      const h = buildHarness();
      const res = await request(h.app)[method](URL);
      expectOutcome(res, 405, 'method-not-allowed');
      expect(res.headers.allow).toBe('POST');
    },
  );

  it('412 data-unavailable when the snapshot loader cannot get required data', async () => {
    const h = buildHarness({
      deps: {
        loadSnapshot: async () => {
          throw new AppError('data-unavailable', [{ path: 'prefetch.observations', message: 'not prefetched and no fhirServer' }]);
        },
      },
    });
    const o = expectOutcome(await request(h.app).post(URL).send(patientViewRequest()), 412, 'data-unavailable');
    expect(paths(o)).toEqual(['prefetch.observations']);
    expect(h.handled).toHaveLength(0);
  });

  it('413 payload-too-large by declared Content-Length', async () => {
    const h = buildHarness();
    const big = JSON.stringify(patientViewRequest({ padding: 'x'.repeat(70_000) }));
    expectOutcome(await request(h.app).post(URL).set('Content-Type', 'application/json').send(big), 413, 'payload-too-large');
  });

  it('413 payload-too-large when a chunked body streams past the limit', async () => {
    const h = buildHarness();
    const req = request(h.app).post(URL).set('Content-Type', 'application/json').set('Transfer-Encoding', 'chunked');
    for (let i = 0; i < 20; i++) req.write('x'.repeat(8192));
    const res = await req;
    expectOutcome(res, 413, 'payload-too-large');
  });

  it('413 for a compressed body that inflates past the limit (counted after decoding)', async () => {
    const { gzipSync } = await import('node:zlib');
    const h = buildHarness();
    const bomb = gzipSync(Buffer.from(JSON.stringify(patientViewRequest({ padding: ' '.repeat(500_000) }))));
    expect(bomb.length).toBeLessThan(65536);
    const res = await request(h.app)
      .post(URL)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize((b: unknown) => b as string)
      .send(bomb);
    expectOutcome(res, 413, 'payload-too-large');
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'],
    ['a non-UTF-8 charset', 'application/json; charset=iso-8859-1'],
  ])('415 unsupported-media-type for %s', async (_n, type) => {
    const h = buildHarness();
    expectOutcome(
      await request(h.app).post(URL).set('Content-Type', type).send(JSON.stringify(patientViewRequest())),
      415,
      'unsupported-media-type',
    );
  });

  it('415 without a Content-Type and for an unknown Content-Encoding', async () => {
    const h = buildHarness();
    expectOutcome(await request(h.app).post(URL).send(Buffer.from('{}')).unset('Content-Type'), 415, 'unsupported-media-type');
    expectOutcome(
      await request(h.app).post(URL).set('Content-Type', 'application/json').set('Content-Encoding', 'compress').send('{}'),
      415,
      'unsupported-media-type',
    );
  });

  it('500 internal-error when a handler throws: no stack or message on the wire, stack in the log', async () => {
    const h = buildHarness({
      services: {
        'prenatal-diagnosis-referral': () => {
          throw new TypeError('boom at rule xyz');
        },
      },
    });
    const res = await request(h.app).post(URL).send(patientViewRequest());
    const o = expectOutcome(res, 500, 'internal-error');
    expect(o.issue[0]?.severity).toBe('fatal');
    const wire = JSON.stringify(res.body);
    expect(wire).not.toContain('boom');
    expect(wire).not.toMatch(/at .*\.ts:\d+/);
    const logged = h.logLines().find((l) => l.msg === 'unhandled error') as { err?: { stack?: string } } | undefined;
    expect(logged?.err?.stack).toContain('boom at rule xyz');
  });

  it('keeps serving after errors (never crashes)', async () => {
    const h = buildHarness({
      services: {
        'prenatal-diagnosis-referral': () => {
          throw new Error('x');
        },
      },
    });
    await request(h.app).post(URL).send(patientViewRequest()).expect(500);
    await request(h.app).get('/cds-services').expect(200);
  });
});
