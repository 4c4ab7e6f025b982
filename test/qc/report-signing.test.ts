import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANONICAL_BASE } from '../../src/clinical/codes.js';
import { PROFESSIONAL_TITLE_SYSTEM } from '../../src/qc/report-signing.js';
import { createStore, type OpenedStore } from '../../src/store/create-store.js';
import { buildHarness, type Harness } from '../support/app-fixture.js';

const TOKEN = 'province-token-0123456789';
const TECH = `${CANONICAL_BASE}/CodeSystem/mch-technique`;
const ORDER = `${CANONICAL_BASE}/CodeSystem/prenatal-order`;

function practitioner(
  id: string,
  opts: { qualified?: { start?: string; end?: string } | false; title?: string } = {},
): Record<string, unknown> {
  const qualification: unknown[] = [];
  if (opts.qualified !== false)
    qualification.push({
      code: { coding: [{ system: TECH, code: 'prenatal-diagnosis' }] },
      period: opts.qualified ?? { start: '2020-01-01', end: '2030-12-31' },
    });
  if (opts.title) qualification.push({ code: { coding: [{ system: PROFESSIONAL_TITLE_SYSTEM, code: opts.title }] } });
  return { resourceType: 'Practitioner', id, qualification };
}

function report(id: string, signers: string[], code = 'amniocentesis', issued = '2026-06-01T02:00:00Z'): Record<string, unknown> {
  return {
    resourceType: 'DiagnosticReport',
    id,
    status: 'final',
    issued,
    code: { coding: [{ system: ORDER, code }] },
    resultsInterpreter: signers.map((s) => ({ reference: `Practitioner/${s}` })),
  };
}

const bundle = (...resources: Record<string, unknown>[]) => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: resources.map((resource) => ({ resource })),
});

let store: OpenedStore;
let h: Harness;
beforeAll(async () => {
  store = await createStore({ databaseUrl: undefined, dataDir: 'memory://' });
  h = buildHarness({ env: { QC_TOKENS: JSON.stringify({ [TOKEN]: { role: 'province' } }) }, deps: { audit: store.audit } });
});
afterAll(async () => store?.close());

const post = (body: unknown, token = TOKEN) =>
  request(h.app)
    .post('/qc/report-signing')
    .set('Authorization', `Bearer ${token}`)
    .send(body as object);

describe('POST /qc/report-signing (Art. 26)', () => {
  it('checks two qualified signers and a senior karyotype reviewer', async () => {
    const res = await post(
      bundle(
        practitioner('a'),
        practitioner('b'),
        practitioner('c', { qualified: false }),
        practitioner('d', { qualified: { end: '2026-05-31' } }),
        practitioner('s', { title: 'associate-senior' }),
        practitioner('j', { title: 'intermediate' }),
        report('ok', ['a', 'b']),
        report('one-qualified', ['a', 'c']),
        report('expired', ['a', 'd']),
        report('same-twice', ['a', 'a']),
        report('karyo-ok', ['a', 's'], 'karyotype'),
        report('karyo-junior', ['a', 'j'], 'karyotype'),
      ),
    );
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const status = Object.fromEntries((res.body.cases as { report: string; problems: string[] }[]).map((c) => [c.report, c.problems]));
    expect(status).toEqual({
      'DiagnosticReport/ok': [],
      'DiagnosticReport/one-qualified': ['fewer-than-two-qualified-signers'],
      'DiagnosticReport/expired': ['fewer-than-two-qualified-signers'],
      'DiagnosticReport/same-twice': ['fewer-than-two-qualified-signers'],
      'DiagnosticReport/karyo-ok': [],
      'DiagnosticReport/karyo-junior': ['no-senior-karyotype-reviewer'],
    });
    expect(res.body).toMatchObject({ reports: 6, compliant: 2, rate: 2 / 6 });
  });

  it('400 invalid-bundle with paths; 401 without a QC token', async () => {
    const bad = await post({ resourceType: 'Bundle', entry: [{ resource: { resourceType: 'DiagnosticReport', issued: 'yesterday' } }] });
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].details.coding[0].code).toBe('invalid-bundle');
    expect(bad.body.issue.map((i: { expression?: string[] }) => i.expression?.[0])).toContain('Bundle.entry[0].resource.issued');
    expect((await post(bundle(), 'nope-nope-nope-nope-nope')).status).toBe(401);
    expect((await request(h.app).get('/qc/report-signing').set('Authorization', `Bearer ${TOKEN}`)).status).toBe(405);
  });

  it('an empty Bundle has a null rate', async () => {
    expect((await post(bundle())).body).toEqual({ reports: 0, compliant: 0, rate: null, cases: [] });
  });
});
