import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { createStore, type OpenedStore } from '../../src/store/create-store.js';
import { buildHarness, NOW, PUBLIC_BASE_URL, type Harness } from '../support/app-fixture.js';
import { visit } from './scenario.js';

let store: OpenedStore;
let h: Harness;
let noticeId: string;

beforeAll(async () => {
  store = await createStore({ databaseUrl: undefined, dataDir: 'memory://' });
  h = buildHarness({ deps: { audit: store.audit } });
  noticeId = (
    await visit(store.audit, {
      patient: 'p1',
      key: 'p1|2027-03-01',
      org: 'org-1',
      dr: 'dr-1',
      rules: ['ama'],
      at: '2026-11-20T02:00:00Z',
      notice: true,
      issuer: 'https://ehr.test.example',
    })
  ).noticeId!;
});
afterAll(async () => store?.close());

function body(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: randomUUID(),
    signer: { kind: 'family-member', name: '李强', relationship: 'husband' },
    decision: 'accepted-referral',
    signedAt: '2026-11-23T09:30:00+08:00',
    recordedBy: 'Practitioner/dr-1',
    ...overrides,
  };
}

const post = (app: Harness['app'], id: string, b: unknown) =>
  request(app)
    .post(`/notices/${id}/acknowledgement`)
    .send(b as object);

describe('POST /notices/{noticeId}/acknowledgement', () => {
  it('201 with the stored acknowledgement, committed before the answer; authenticated with aud = this URL', async () => {
    const b = body();
    const res = await post(h.app, noticeId, b);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ ...b, noticeId, signedAt: '2026-11-23T01:30:00.000Z', recordedAt: new Date(NOW).toISOString() });
    expect(h.authRequests.at(-1)).toEqual({
      authorization: undefined,
      audience: `${PUBLIC_BASE_URL}/notices/${noticeId}/acknowledgement`,
      fhirServer: undefined,
      reqId: expect.any(String),
    });
    const stored = await store.audit.listAcknowledgements({ from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' });
    expect(stored.map((a) => a.id)).toContain(b.id);
  });

  it('a repeat with the same id and content is 200 with the stored one (idempotent)', async () => {
    const b = body({ signer: { kind: 'patient', name: '王芳' }, decision: 'declined' });
    const first = await post(h.app, noticeId, b);
    const again = await post(h.app, noticeId, { ...b, signedAt: '2026-11-23T01:30:00Z' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  it('the same id with other content is 409 conflict; the stored one is kept', async () => {
    const b = body();
    expect((await post(h.app, noticeId, b)).status).toBe(201);
    const res = await post(h.app, noticeId, { ...b, decision: 'undecided' });
    expect(res.status).toBe(409);
    expect(res.body.issue[0].details.coding[0].code).toBe('conflict');
    const stored = await store.audit.listAcknowledgements({ from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' });
    expect(stored.find((a) => a.id === b.id)?.decision).toBe('accepted-referral');
  });

  it('an unknown notice is 404', async () => {
    const res = await post(h.app, randomUUID(), body());
    expect(res.status).toBe(404);
    expect(res.body.issue[0].details.coding[0].code).toBe('not-found');
  });

  it('404 for a notice issued to another EHR (issuer or tenant), exactly as for an unknown one; its acknowledgements stay unreadable', async () => {
    const b = body();
    expect((await post(h.app, noticeId, b)).status).toBe(201);
    const period = { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' };
    const before = (await store.audit.listAcknowledgements(period)).filter((a) => a.noticeId === noticeId).map((a) => a.id);
    expect(before).toContain(b.id);
    const unknown = await post(h.app, randomUUID(), body());
    for (const origin of [{ issuer: 'https://other-hospital.example' }, { issuer: 'https://ehr.test.example', tenant: 'another-tenant' }]) {
      const other = buildHarness({ deps: { audit: store.audit, authenticate: async () => origin } });
      const fresh = await post(other.app, noticeId, body());
      expect(fresh.status).toBe(404);
      expect(fresh.body).toEqual(unknown.body);
      const replay = await post(other.app, noticeId, b); // a known acknowledgement id: no 200 with its content
      expect(replay.status).toBe(404);
      expect(replay.body).toEqual(unknown.body);
    }
    // Nothing was written by the other EHRs.
    const after = (await store.audit.listAcknowledgements(period)).filter((a) => a.noticeId === noticeId).map((a) => a.id);
    expect(after).toEqual(before);
    // The same tenant-less issuer that the notice was issued to is still accepted.
    expect((await post(h.app, noticeId, body())).status).toBe(201);
  });

  it.each([
    [{ signer: { kind: 'family-member', name: '李强' } }, 'signer.relationship'],
    [{ signer: { kind: 'patient', name: '王芳', relationship: 'self' } }, 'signer.relationship'],
    [{ signer: { kind: 'neighbour', name: 'x' } }, 'signer.kind'],
    [{ signer: { kind: 'patient', name: '  ' } }, 'signer.name'],
    [{ decision: 'maybe' }, 'decision'],
    [{ signedAt: '2026-11-23 09:30' }, 'signedAt'],
    [{ signedAt: '2026-11-23T09:30:00' }, 'signedAt'],
    [{ signedAt: '2027-01-01T00:00:00Z' }, 'signedAt'],
    [{ recordedBy: 'Patient/p1' }, 'recordedBy'],
    [{ id: '' }, 'id'],
    [{ extra: true }, ''],
  ])('400 invalid-acknowledgement with the path for %o', async (bad, path) => {
    const res = await post(h.app, noticeId, body(bad));
    expect(res.status).toBe(400);
    expect(res.body.issue[0].details.coding[0].code).toBe('invalid-acknowledgement');
    if (path) expect(res.body.issue.map((i: { expression?: string[] }) => i.expression?.[0])).toContain(path);
  });

  it('reports every issue at once', async () => {
    const res = await post(h.app, noticeId, { signer: {}, decision: 'x' });
    const paths = res.body.issue.map((i: { expression?: string[] }) => i.expression?.[0]);
    expect(paths).toEqual(expect.arrayContaining(['id', 'signer.kind', 'signer.name', 'decision', 'signedAt', 'recordedBy']));
  });

  it('401 without a valid JWT (nothing stored, no detail on the wire)', async () => {
    // The JWT authenticator's own behaviour is tested in test/auth; here: the route refuses when it throws.
    const denied = buildHarness({
      deps: {
        audit: store.audit,
        authenticate: async () => {
          throw new AppError('unauthorized', [{ message: 'no token' }]);
        },
      },
    });
    const b = body();
    const res = await post(denied.app, noticeId, b);
    expect(res.status).toBe(401);
    expect(res.body.issue[0].diagnostics).toBeUndefined();
    const stored = await store.audit.listAcknowledgements({ from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' });
    expect(stored.map((a) => a.id)).not.toContain(b.id);
  });

  it('405 for another method; not mounted without an audit store', async () => {
    expect((await request(h.app).get(`/notices/${noticeId}/acknowledgement`)).status).toBe(405);
    const bare = buildHarness();
    expect((await post(bare.app, noticeId, body())).status).toBe(404);
    expect((await request(bare.app).get('/qc/notification-compliance')).status).toBe(404);
  });
});
