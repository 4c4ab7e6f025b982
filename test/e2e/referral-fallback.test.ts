import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { json } from '../fhir/support/fhir-stub.js';
import { expectConformant } from '../support/expect-conformant.js';
import { buildE2eApp, example, findingsOf, ruleIds, type E2eApp, type HookBody, type WireCard } from './support/e2e-app.js';
import { againstEhr, startFallbackEhr, type FallbackEhr, type FallbackOptions } from './support/fhir-fallback.js';

/**
 * The referral services fetching what the EHR did not prefetch from `fhirServer` (a loopback FHIR
 * server holding the example's data), through the real snapshot loader and MedplumClient.
 */
const REFERRAL_SERVICES = ['prenatal-diagnosis-referral', 'prenatal-diagnosis-referral-encounter'] as const;
type ReferralService = (typeof REFERRAL_SERVICES)[number];
const EXPECTED_RULES = ['ama', 'amniotic-fluid', 'genetic-family-history'];

const ehrs: FallbackEhr[] = [];
async function ehr(service: ReferralService, opts?: FallbackOptions): Promise<FallbackEhr> {
  const e = await startFallbackEhr(service, example(service), opts);
  ehrs.push(e);
  return e;
}
afterEach(async () => {
  for (const e of ehrs.splice(0)) {
    await e.stub.close();
    expect(e.stub.unexpected, 'unexpected FHIR calls').toEqual([]);
    expect(e.badAuth, 'FHIR calls without the fhirAuthorization bearer token').toEqual([]);
  }
});

async function post(app: E2eApp, service: string, body: HookBody): Promise<request.Response> {
  return request(app.app).post(`/cds-services/${service}`).set('Content-Type', 'application/fhir+json').send(JSON.stringify(body));
}

async function oneCard(app: E2eApp, service: string, body: HookBody): Promise<WireCard> {
  const res = await post(app, service, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectConformant(res.body);
  const cards = (res.body as { cards: WireCard[] }).cards;
  expect(cards).toHaveLength(1);
  return cards[0]!;
}

describe.each(REFERRAL_SERVICES)('%s without prefetch', (service) => {
  it('fetches every prefetch key once with the bearer token and finds the same as with prefetch', async () => {
    const app = buildE2eApp();
    const withPrefetch = await oneCard(app, service, example(service));

    const fhir = await ehr(service);
    const card = await oneCard(app, service, againstEhr(example(service), fhir.stub.fhirServer, undefined));
    expect(fhir.requested().sort()).toEqual(Object.values(fhir.paths).sort());
    expect(fhir.stub.calls.every((c) => c.authorization === 'Bearer e2e-ehr-access-token-7c1d')).toBe(true);
    expect(ruleIds(card)).toEqual(EXPECTED_RULES);
    expect(findingsOf(card)).toEqual(findingsOf(withPrefetch));
    expect(card.indicator).toBe(withPrefetch.indicator);
  });

  it('partial prefetch (only the Patient): the rest is fetched, the Patient is not', async () => {
    const app = buildE2eApp();
    const full = example(service);
    const fhir = await ehr(service, { keys: Object.keys(full.prefetch ?? {}).filter((k) => k !== 'patient') });
    const card = await oneCard(app, service, againstEhr(full, fhir.stub.fhirServer, { patient: full.prefetch?.['patient'] }));
    expect(fhir.requested().sort()).toEqual(Object.values(fhir.paths).sort());
    expect(fhir.requested().some((u) => u.startsWith('/fhir/Patient/'))).toBe(false);
    expect(ruleIds(card)).toEqual(EXPECTED_RULES);
  });
});

describe('prenatal-diagnosis-referral: data that cannot be had', () => {
  const service = 'prenatal-diagnosis-referral';

  it('the FHIR server answers 500 for observations → 412 OperationOutcome naming the key', async () => {
    const app = buildE2eApp();
    const fhir = await ehr(service, {
      handlers: {
        observations: json(
          { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: 'database down' }] },
          500,
        ),
      },
    });
    const res = await post(app, service, againstEhr(example(service), fhir.stub.fhirServer, undefined));
    expect(res.status).toBe(412);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    const body = res.body as { resourceType: string; issue: unknown[] };
    expect(body.resourceType).toBe('OperationOutcome');
    const text = JSON.stringify(body);
    expect(text).toContain('prefetch.observations');
    expect(text).not.toContain('prefetch.conditions');
    expect(text).not.toContain('database down');
    expect(text).not.toContain('e2e-ehr-access-token');
    expect(fhir.requested()).toContain(fhir.paths['observations']);
  });

  it('no fhirServer and no prefetch → 412 naming the required keys', async () => {
    const app = buildE2eApp();
    const { prefetch: _p, fhirServer: _f, fhirAuthorization: _a, ...bare } = example(service);
    const res = await post(app, service, bare);
    expect(res.status).toBe(412);
    const text = JSON.stringify(res.body);
    expect((res.body as { resourceType: string }).resourceType).toBe('OperationOutcome');
    for (const key of ['patient', 'observations', 'conditions', 'familyHistory', 'communications'])
      expect(text).toContain(`prefetch.${key}`);
  });

  it('fhirServer without fhirAuthorization and no prefetch → 412 (never an unauthenticated fetch)', async () => {
    const app = buildE2eApp();
    const fhir = await ehr(service, { keys: [] });
    const { prefetch: _p, fhirAuthorization: _a, ...rest } = example(service);
    const res = await post(app, service, { ...rest, fhirServer: fhir.stub.fhirServer });
    expect(res.status).toBe(412);
    expect(fhir.requested()).toEqual([]);
  });

  it('prefetch value null for observations = no data: not fetched; the rest is fetched', async () => {
    const app = buildE2eApp();
    const full = example(service);
    const fhir = await ehr(service, { keys: Object.keys(full.prefetch ?? {}).filter((k) => k !== 'observations') });
    const card = await oneCard(app, service, againstEhr(full, fhir.stub.fhirServer, { observations: null }));
    expect(fhir.requested().some((u) => u.startsWith('/fhir/Observation'))).toBe(false);
    expect(fhir.requested().sort()).toEqual(Object.values(fhir.paths).sort());
    // No observations: no EDD (age at today: 37 ⇒ still ama) and no AFI; the pregnancy is known from the Condition / EpisodeOfCare.
    expect(ruleIds(card)).toEqual(['ama', 'genetic-family-history']);
    const ama = findingsOf(card).find((f) => f.rule === 'ama');
    expect(ama?.params['reference']).toBe('today');
    expect(ama?.params['ageYears']).toBe(37);
  });

  it('an OperationOutcome in place of a prefetch value is a failed key: fetched from the FHIR server', async () => {
    const app = buildE2eApp();
    const full = example(service);
    const fhir = await ehr(service, { keys: ['observations'] });
    const prefetch = {
      ...full.prefetch,
      observations: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'timeout' }] },
    };
    const card = await oneCard(app, service, againstEhr(full, fhir.stub.fhirServer, prefetch));
    expect(fhir.requested()).toEqual([fhir.paths['observations']]);
    expect(ruleIds(card)).toEqual(EXPECTED_RULES);
  });
});
