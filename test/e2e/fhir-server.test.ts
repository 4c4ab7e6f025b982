import type { Organization, PractitionerRole, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceId } from '../../src/engine/rule.js';
import { startFhirRouterServer, type FhirEhr, type FhirRouterServer, type IncludeMode } from '../support/fhir-router-server.js';
import { buildE2eApp, example, type E2eApp, type HookBody } from './support/e2e-app.js';
import {
  answerOf,
  callFrom,
  DATA_MODES,
  exampleRecord,
  HOSPITAL,
  PRACTITIONER_USER,
  ROLE_USER,
  SERVICES,
  undecidedOf,
  type CardAnswer,
} from './support/router-ehr.js';

/**
 * All four services end to end against a real FHIR REST server (FhirRouter over MemoryRepository
 * on loopback, test/support/fhir-router-server.ts), docs/design.md#institution: whichever way the
 * EHR names its user (Practitioner or PractitionerRole), sends its data (all prefetch, none, some
 * keys left out) or treats `_include`, every service gives the same answer — the same cards, rules
 * fired and rules undecided — under the same institution. A reference the decision needs that the
 * server cannot give is "could not verify" (undecided), never a credential finding.
 */
const TOKEN = 'router-e2e-ehr-token-3f9a61';
const INCLUDE_MODES: readonly IncludeMode[] = ['honour', 'ignore'];
const USERS = [PRACTITIONER_USER, ROLE_USER];
const CREDENTIAL_RULES = ['cert-missing', 'licence-missing', 'nipt-institution-not-authorized'];

/** A screening institution whose NIPT cooperation partner is the diagnosis institution of the examples. */
const SCREENING: Organization = {
  resourceType: 'Organization',
  id: 'org-xs-screening',
  active: true,
  name: '杭州市萧山区示例妇幼保健计划生育服务中心',
  identifier: [{ system: 'https://www.usci.org.cn', value: '12330109MB1234567Y' }],
  extension: [
    { url: 'http://prenatal-cds.org/fhir/StructureDefinition/mch-institution-role', valueCode: 'prenatal-screening-institution' },
    {
      url: 'http://prenatal-cds.org/fhir/StructureDefinition/nipt-cooperation',
      extension: [
        { url: 'partner', valueReference: { reference: `Organization/${HOSPITAL}` } },
        { url: 'period', valuePeriod: { start: '2025-01-01', end: '2027-12-31' } },
      ],
    },
  ],
};

let server: FhirRouterServer;
let ehr: FhirEhr;
/** The same record, but 王芳's role is at the screening institution. */
let screeningEhr: FhirEhr;
let e2e: E2eApp;

beforeAll(async () => {
  server = await startFhirRouterServer();
  const record = exampleRecord();
  ehr = await server.addEhr('hz', { accessToken: TOKEN, resources: record });
  const atScreening = record.map((r): Resource =>
    r.resourceType === 'PractitionerRole' ? { ...(r as PractitionerRole), organization: { reference: `Organization/${SCREENING.id}` } } : r,
  );
  screeningEhr = await server.addEhr('xs', { accessToken: TOKEN, resources: [...atScreening, SCREENING] });
  e2e = buildE2eApp();
});
afterAll(() => server?.close());
afterEach(() => {
  for (const e of [ehr, screeningEhr]) {
    e.include = 'honour';
    e.reachableAgain();
    e.resetRequests();
    expect(e.badAuth, 'FHIR requests without the bearer token').toEqual([]);
  }
});

async function post(service: ServiceId, body: HookBody): Promise<request.Response> {
  const res = await request(e2e.app).post(`/cds-services/${service}`).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res;
}

function lastInstitution(): [string | undefined, string | undefined] {
  const rec = e2e.hookCalls.all().at(-1);
  return [rec?.institutionId, rec?.institutionVia];
}

describe.each(SERVICES)('%s against a FHIR server', (service) => {
  it('the same answer and institution for either user kind, with prefetch, fallback or partial prefetch, with or without _include', async () => {
    const reference = answerOf((await post(service, example(service))).body);
    const got: Record<string, { answer: CardAnswer[]; institution: [string | undefined, string | undefined] }> = {};
    const want: typeof got = {};
    for (const include of INCLUDE_MODES) {
      ehr.include = include;
      for (const user of USERS) {
        for (const mode of DATA_MODES) {
          const key = `${user} ${mode} ${include}`;
          const res = await post(service, await callFrom(ehr, service, user, mode));
          got[key] = { answer: answerOf(res.body), institution: lastInstitution() };
          want[key] = { answer: reference, institution: [HOSPITAL, 'practitioner-role'] };
        }
      }
    }
    expect(got).toEqual(want);
    for (const card of reference) {
      expect(card.fired.filter((r) => CREDENTIAL_RULES.includes(r))).toEqual([]);
      expect(card.undecided.filter((r) => CREDENTIAL_RULES.includes(r))).toEqual([]);
    }
  });

  it('all prefetched with _include honoured: no FHIR request at all', async () => {
    for (const user of USERS) {
      await post(service, await callFrom(ehr, service, user, 'prefetch'));
      expect(ehr.requests().map((r) => r.path)).toEqual([]);
    }
  });
});

describe('a reference the decision needs that the FHIR server cannot give', () => {
  it('order-sign, PractitionerRole user, Practitioner unreachable (connection reset): cert-missing could not verify', async () => {
    ehr.include = 'ignore';
    ehr.unreachable('Practitioner/pr-wang-fang', 'reset');
    const res = await post('special-technique-order-sign', await callFrom(ehr, 'special-technique-order-sign', ROLE_USER, 'fallback'));
    expect(ehr.requests().some((r) => r.path === 'Practitioner/pr-wang-fang' && r.status === 'reset')).toBe(true);
    expectCouldNotVerify(res.body, 'cert-missing');
    expect(answerOf(res.body).flatMap((c) => [...c.fired, ...c.undecided])).not.toContain('licence-missing');
  });

  it('order-sign, Practitioner user, Organization unreachable (404) and _include ignored: licence-missing could not verify', async () => {
    ehr.include = 'ignore';
    ehr.unreachable(`Organization/${HOSPITAL}`, 'not-found');
    for (const mode of ['prefetch', 'fallback'] as const) {
      ehr.resetRequests();
      const res = await post('special-technique-order-sign', await callFrom(ehr, 'special-technique-order-sign', PRACTITIONER_USER, mode));
      expect(ehr.requests().map((r) => [r.path, r.status])).toContainEqual([`Organization/${HOSPITAL}`, 404]);
      expectCouldNotVerify(res.body, 'licence-missing');
      expect(answerOf(res.body).flatMap((c) => [...c.fired, ...c.undecided])).not.toContain('cert-missing');
      expect(lastInstitution()).toEqual([HOSPITAL, 'practitioner-role']);
    }
  });

  it('NIPT, either user kind, Organization unreachable: nipt-institution-not-authorized could not verify', async () => {
    ehr.include = 'ignore';
    ehr.unreachable(`Organization/${HOSPITAL}`, 'reset');
    for (const user of USERS) {
      const res = await post('nipt-order-check', await callFrom(ehr, 'nipt-order-check', user, 'fallback'));
      expectCouldNotVerify(res.body, 'nipt-institution-not-authorized');
    }
  });

  it('NIPT at a screening institution: the cooperation partner is fetched by reference; unreachable and unknown to the registry, could not verify', async () => {
    const call = async (): Promise<request.Response> =>
      post('nipt-order-check', await callFrom(screeningEhr, 'nipt-order-check', ROLE_USER, 'fallback'));
    const reachable = await call();
    expect(screeningEhr.requests().map((r) => [r.path, r.status])).toContainEqual([`Organization/${HOSPITAL}`, 200]);
    const decided = answerOf(reachable.body).flatMap((c) => [...c.fired, ...c.undecided]);
    expect(decided).not.toContain('nipt-institution-not-authorized');
    expect(institutionParam(reachable.body)).toMatchObject({ authorized: true, via: 'cooperation', partnerVerifiedBy: 'ehr' });
    expect(lastInstitution()).toEqual([SCREENING.id, 'practitioner-role']);

    screeningEhr.resetRequests();
    screeningEhr.unreachable(`Organization/${HOSPITAL}`, 'not-found');
    const unreachable = await call();
    expect(screeningEhr.requests().map((r) => [r.path, r.status])).toContainEqual([`Organization/${HOSPITAL}`, 404]);
    // Neither the EHR nor the (empty) registry knows the partner: could not verify, naming it and why.
    expectCouldNotVerify(unreachable.body, 'nipt-institution-not-authorized');
    const reason = undecidedOf(unreachable.body).find((u) => u.rule === 'nipt-institution-not-authorized')?.reason;
    expect(reason).toBe(
      `could not verify: the NIPT cooperation partner of Organization/${SCREENING.id}, Organization/${HOSPITAL}: could not be fetched (fetch failed: http-status 404); not in the registry`,
    );
    expect(institutionParam(unreachable.body)).toMatchObject({ authorized: null, reason: 'partner-unverified' });
    expect(JSON.stringify(unreachable.body)).not.toMatch(/"authorized":true/);
  });
});

/** `rule` did not fire and is on the undecided card with a "could not verify" reason; no other credential rule fired. */
function expectCouldNotVerify(body: unknown, rule: string): void {
  const fired = answerOf(body).flatMap((c) => c.fired);
  expect(fired.filter((r) => CREDENTIAL_RULES.includes(r))).toEqual([]);
  const undecided = undecidedOf(body).filter((u) => u.rule === rule);
  expect(undecided, JSON.stringify(undecidedOf(body))).toHaveLength(1);
  expect(undecided[0]?.reason).toMatch(/could not verify/);
}

/** The NIPT institution status a finding of the answer reports (`params.institution`), if any. */
function institutionParam(body: unknown): Record<string, unknown> | undefined {
  const cards = (body as { cards?: { extension?: Record<string, unknown> }[] }).cards ?? [];
  const findings = cards.flatMap((c) => (c.extension?.['org.prenatal-cds.findings'] ?? []) as { params: Record<string, unknown> }[]);
  return findings.map((f) => f.params['institution'] as Record<string, unknown> | undefined).find((i) => i !== undefined);
}
