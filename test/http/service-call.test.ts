import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { emptyResult } from '../../src/engine/service.js';
import { buildHarness, patientViewRequest, PUBLIC_BASE_URL } from '../support/app-fixture.js';
import { expectConformant } from '../support/expect-conformant.js';
import { sampleResponse } from '../support/sample-response.js';

describe('POST /cds-services/{id}: successful calls', () => {
  it('answers 200 with cards: [] when nothing applies, without prefetch (normal, not an error)', async () => {
    const h = buildHarness();
    const res = await request(h.app).post('/cds-services/prenatal-diagnosis-referral').send(patientViewRequest()).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ cards: [] });
    expectConformant(res.body);
    expect(h.handled).toHaveLength(1);
    expect(h.handled[0]?.request.prefetch).toBeUndefined();
  });

  it.each([
    'application/json',
    'application/fhir+json',
    'application/json; charset=utf-8',
    'application/fhir+json;charset="UTF-8"',
    'Application/JSON; fhirVersion=4.0',
  ])('accepts Content-Type %s', async (type) => {
    const h = buildHarness();
    const res = await request(h.app)
      .post('/cds-services/prenatal-diagnosis-referral')
      .set('Content-Type', type)
      .send(JSON.stringify(patientViewRequest()))
      .expect(200);
    expectConformant(res.body);
  });

  it('returns the handler response as is, and it conforms', async () => {
    const h = buildHarness({
      services: {
        'prenatal-diagnosis-referral': ({ now }) => ({
          ...emptyResult(now),
          cards: sampleResponse().cards.map((card) => ({ card, findings: [], undecided: [] })),
        }),
      },
    });
    const res = await request(h.app).post('/cds-services/prenatal-diagnosis-referral').send(patientViewRequest()).expect(200);
    expect(res.body).toEqual(sampleResponse());
    expectConformant(res.body);
  });

  it('authenticates from the headers with aud = the exact endpoint URL (fhirServer is checked once the body is read)', async () => {
    const h = buildHarness();
    const body = patientViewRequest({ fhirServer: 'https://ehr.example/fhir' });
    await request(h.app)
      .post('/cds-services/prenatal-diagnosis-referral')
      .set('Authorization', 'Bearer abc.def.ghi')
      .send(body)
      .expect(200);
    expect(h.authRequests).toEqual([
      {
        authorization: 'Bearer abc.def.ghi',
        audience: `${PUBLIC_BASE_URL}/cds-services/prenatal-diagnosis-referral`,
        reqId: expect.any(String),
      },
    ]);
  });

  it('passes unknown request fields and context fields through to the service', async () => {
    const h = buildHarness();
    const body = patientViewRequest({
      extension: { 'com.ehr.tracking': { id: 7 } },
      context: { userId: 'Practitioner/pr-1', patientId: 'p-1', 'com.ehr.ward': '3B' },
      prefetch: { patient: null, observations: { resourceType: 'Bundle', type: 'searchset' } },
    });
    const res = await request(h.app).post('/cds-services/prenatal-diagnosis-referral').send(body).expect(200);
    expectConformant(res.body);
    const seen = h.handled[0]?.request as unknown as Record<string, unknown>;
    expect(seen.extension).toEqual({ 'com.ehr.tracking': { id: 7 } });
    expect((seen.context as Record<string, unknown>)['com.ehr.ward']).toBe('3B');
    expect((seen.prefetch as Record<string, unknown>).patient).toBeNull();
  });

  it('passes the clinical clock to the service', async () => {
    let today = '';
    const h = buildHarness({
      services: {
        'prenatal-diagnosis-referral': ({ now }) => {
          today = now.today;
          return emptyResult(now);
        },
      },
    });
    await request(h.app).post('/cds-services/prenatal-diagnosis-referral').send(patientViewRequest()).expect(200);
    expect(today).toBe('2026-11-23');
  });

  it('logs one line per request with hookInstance, service id, status and latency — no token, no body', async () => {
    const h = buildHarness();
    const body = patientViewRequest({
      fhirServer: 'https://ehr.example/fhir',
      fhirAuthorization: {
        access_token: 'SECRET-ACCESS-TOKEN',
        token_type: 'Bearer',
        expires_in: 300,
        scope: 'user/*.read',
        subject: 'cds',
      },
    });
    await request(h.app).post('/cds-services/prenatal-diagnosis-referral').set('Authorization', 'Bearer SECRET-JWT').send(body).expect(200);
    const access = h.logLines().filter((l) => l.msg === 'request');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      hookInstance: body.hookInstance,
      serviceId: 'prenatal-diagnosis-referral',
      status: 200,
      method: 'POST',
    });
    expect(typeof access[0]?.latencyMs).toBe('number');
    const all = JSON.stringify(h.logLines());
    expect(all).not.toContain('SECRET');
    expect(all).not.toContain('Practitioner/pr-1');
  });

  it('does not send x-powered-by', async () => {
    const h = buildHarness();
    const res = await request(h.app).post('/cds-services/prenatal-diagnosis-referral').send(patientViewRequest()).expect(200);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('accepts a gzip-encoded body', async () => {
    const { gzipSync } = await import('node:zlib');
    const h = buildHarness();
    const res = await request(h.app)
      .post('/cds-services/prenatal-diagnosis-referral')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize((b: unknown) => b as string)
      .send(gzipSync(Buffer.from(JSON.stringify(patientViewRequest()))))
      .expect(200);
    expectConformant(res.body);
  });
});
