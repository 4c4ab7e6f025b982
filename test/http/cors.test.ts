import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildHarness } from '../support/app-fixture.js';

describe('CORS for browser-based CDS clients', () => {
  const { app } = buildHarness();

  it('answers a preflight for a service call with 204 and the headers a browser needs', async () => {
    const res = await request(app)
      .options('/cds-services/prenatal-diagnosis-referral')
      .set('Origin', 'https://ehr.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('marks discovery readable cross-origin', async () => {
    const res = await request(app).get('/cds-services').set('Origin', 'https://ehr.example');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('does not open the notice pages cross-origin', async () => {
    const res = await request(app).get('/notices/00000000-0000-4000-8000-000000000000').set('Origin', 'https://ehr.example');
    expect(res.status).toBe(404);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
