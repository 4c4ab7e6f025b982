import fc from 'fast-check';
import request from 'supertest';
import { afterAll, describe, it } from 'vitest';
import { SERVICE_IDS } from '../../src/cds-hooks/hooks.js';
import { expectStillAnswers, goodReferral, pathsOf, tried, Violations, withValueAt } from './support/fuzz-check.js';
import { buildRealHarness, exampleRequest } from './support/real-app.js';

/**
 * Property-based bad input against POST /cds-services/{id} with the real services and the real
 * snapshot loader (prefetch only: no fhirServer, so nothing leaves the process). Never a 5xx,
 * always a catalogue OperationOutcome, and the app answers the next good call.
 */
const h = buildRealHarness({ BODY_LIMIT_BYTES: String(1024 * 1024) });
const service = fc.constantFrom(...SERVICE_IDS);
const json = fc.jsonValue({ maxDepth: 4 });

/** Examples of every service, network members removed. */
const bases = Object.fromEntries(
  SERVICE_IDS.map((id) => {
    const b = exampleRequest(id);
    delete b.fhirServer;
    delete b.fhirAuthorization;
    return [id, b];
  }),
);

afterAll(() => {
  console.log(`[fuzz] hook-request: ${tried.count} bad inputs tried`);
});

describe('POST /cds-services/{id} under generated bad input', () => {
  it('any JSON value as the body', async () => {
    const v = new Violations(h);
    await fc.assert(
      fc.asyncProperty(service, json, async (id, body) => {
        const res = await request(h.app).post(`/cds-services/${id}`).set('content-type', 'application/json').send(JSON.stringify(body));
        v.check(res, `${id} ${JSON.stringify(body).slice(0, 200)}`);
      }),
      { numRuns: 300 },
    );
    await expectStillAnswers(h);
    v.assertNone();
  });

  it('the shipped example with one member replaced by any JSON value, or deleted', async () => {
    const v = new Violations(h);
    const cases = fc.constantFrom(...SERVICE_IDS).chain((id) => {
      const paths = pathsOf(bases[id]);
      return fc.record({
        id: fc.constant(id),
        path: fc.constantFrom(...paths),
        value: fc.option(json, { nil: undefined, freq: 5 }),
      });
    });
    await fc.assert(
      fc.asyncProperty(cases, async ({ id, path, value }) => {
        const body = withValueAt(bases[id], path, value);
        const res = await request(h.app)
          .post(`/cds-services/${id}`)
          .send(body as object);
        v.check(res, `${id} ${path.join('.')} = ${JSON.stringify(value)?.slice(0, 200)}`);
      }),
      { numRuns: 300 },
    );
    await expectStillAnswers(h);
    v.assertNone();
  });

  it('several members of the referral example replaced at once', async () => {
    const v = new Violations(h);
    const paths = pathsOf(goodReferral());
    const edits = fc.array(fc.record({ path: fc.constantFrom(...paths), value: fc.option(json, { nil: undefined }) }), {
      minLength: 2,
      maxLength: 6,
    });
    await fc.assert(
      fc.asyncProperty(edits, async (list) => {
        let body: unknown = goodReferral();
        for (const e of list) body = withValueAt(body, e.path, e.value);
        const res = await request(h.app)
          .post('/cds-services/prenatal-diagnosis-referral')
          .send(body as object);
        v.check(res, list.map((e) => e.path.join('.')).join(', '));
      }),
      { numRuns: 200 },
    );
    await expectStillAnswers(h);
    v.assertNone();
  });

  it('arbitrary bytes under arbitrary content types and encodings', async () => {
    const v = new Violations(h);
    const contentType = fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/fhir+json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
        '',
      ),
      fc.string({ maxLength: 40 }),
    );
    const encoding = fc.constantFrom(undefined, 'gzip', 'br', 'deflate', 'identity', 'compress', 'x-unknown');
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      fc.string({ maxLength: 300 }).map((s) => Buffer.from(s)),
    );
    await fc.assert(
      fc.asyncProperty(service, contentType, encoding, bytes, async (id, type, enc, body) => {
        const req = request(h.app).post(`/cds-services/${id}`);
        if (/^[\t\x20-\x7e]*$/.test(type)) req.set('content-type', type);
        if (enc) req.set('content-encoding', enc);
        const res = await req.serialize((x: unknown) => x as string).send(Buffer.from(body));
        v.check(res, `${id} ${type} ${enc ?? ''} ${Buffer.from(body).toString('hex').slice(0, 80)}`);
      }),
      { numRuns: 300 },
    );
    await expectStillAnswers(h);
    v.assertNone();
  });

  it('unknown service ids and paths', async () => {
    const v = new Violations(h);
    const segment = fc.string({ minLength: 1, maxLength: 30 }).map(encodeURIComponent);
    await fc.assert(
      fc.asyncProperty(segment, fc.constantFrom('', '/feedback', '/x', '/feedback/x'), async (id, tail) => {
        const res = await request(h.app).post(`/cds-services/${id}${tail}`).send(goodReferral());
        v.check(res, `/cds-services/${id}${tail}`);
      }),
      { numRuns: 100 },
    );
    await expectStillAnswers(h);
    v.assertNone();
  });
});
