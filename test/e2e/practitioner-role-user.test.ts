import type { Organization, Practitioner, PractitionerRole } from '@medplum/fhirtypes';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { UNDECIDED_EXTENSION } from '../../src/cds-hooks/extensions.js';
import { expectConformant } from '../support/expect-conformant.js';
import { json } from '../fhir/support/fhir-stub.js';
import { buildE2eApp, bundleOf, example, ruleIds, searchset, type HookBody, type WireCard } from './support/e2e-app.js';
import { againstEhr, startFallbackEhr, type FallbackEhr, type FallbackOptions } from './support/fhir-fallback.js';

/**
 * Who orders, whichever way the EHR names the user (docs/design.md#reference-fetch): Dr 王芳 signs
 * an amniocentesis as `Practitioner/pr-wang-fang` with everything prefetched, or as her
 * `PractitionerRole/prr-wang-fang-1` with nothing prefetched, against an EHR that ignores
 * `_include` — her Practitioner and Organization are then read by reference. Same cards. When those
 * reads fail, the certificate and licence could not be verified: never cert-missing /
 * licence-missing.
 */
const SERVICE = 'special-technique-order-sign';
const ROLE_USER = 'PractitionerRole/prr-wang-fang-1';

const ehrs: FallbackEhr[] = [];
afterEach(async () => {
  for (const e of ehrs.splice(0)) {
    await e.stub.close();
    expect(e.stub.unexpected, 'unexpected FHIR calls').toEqual([]);
    expect(e.badAuth, 'FHIR calls without the bearer token').toEqual([]);
  }
});

async function cardsOf(body: HookBody): Promise<WireCard[]> {
  const res = await request(buildE2eApp().app).post(`/cds-services/${SERVICE}`).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectConformant(res.body);
  return (res.body as { cards: WireCard[] }).cards;
}

/** The example with the certificate expired yesterday, so that the call has a card to compare. */
function expiredCertificate(): HookBody {
  const body = example(SERVICE);
  (body.prefetch?.['practitioner'] as Practitioner).qualification![0]!.period!.end = '2026-11-22';
  return body;
}

const resourceOf = <T>(body: HookBody, ref: string): T => {
  const all = [body.prefetch?.['practitioner'], ...(bundleOf(body, 'practitionerRoles').entry ?? []).map((e) => e.resource)];
  return all.find((r) => r && `${(r as { resourceType: string }).resourceType}/${(r as { id: string }).id}` === ref) as T;
};

/** The same call made by her PractitionerRole, nothing prefetched, against an EHR that ignores `_include`. */
async function asRoleUser(body: HookBody, references: FallbackOptions['extraRoutes']): Promise<HookBody> {
  const role = resourceOf<PractitionerRole>(body, ROLE_USER);
  const data: HookBody = { ...body, context: { ...body.context, userId: ROLE_USER } };
  const fhir = await startFallbackEhr(SERVICE, data, {
    handlers: { practitionerRole: json(searchset([role])) },
    ...(references ? { extraRoutes: references } : {}),
  });
  ehrs.push(fhir);
  return againstEhr(data, fhir.stub.fhirServer, undefined);
}

const comparable = (cards: WireCard[]) =>
  cards.map((c) => ({ indicator: c.indicator, summary: c.summary, rules: ruleIds(c), detail: c.detail }));

describe('order-sign by a PractitionerRole user through the FHIR fallback', () => {
  it('gives the same cards as the Practitioner user with everything prefetched', async () => {
    const body = expiredCertificate();
    const byPractitioner = await cardsOf(body);
    expect(byPractitioner.flatMap((c) => ruleIds(c))).toEqual(['cert-expired']);
    const byRole = await cardsOf(
      await asRoleUser(body, {
        '/fhir/Practitioner/pr-wang-fang': json(resourceOf<Practitioner>(body, 'Practitioner/pr-wang-fang')),
        '/fhir/Organization/org-hz-demo-mch': json(resourceOf<Organization>(body, 'Organization/org-hz-demo-mch')),
      }),
    );
    expect(comparable(byRole)).toEqual(comparable(byPractitioner));
  });

  it('her Practitioner and Organization answer 404: could not verify (undecided), never cert-missing or licence-missing', async () => {
    const notFound = json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] }, 404);
    const cards = await cardsOf(
      await asRoleUser(example(SERVICE), { '/fhir/Practitioner/pr-wang-fang': notFound, '/fhir/Organization/org-hz-demo-mch': notFound }),
    );
    expect(cards.flatMap((c) => ruleIds(c))).toEqual([]);
    expect(cards.map((c) => c.indicator)).toEqual(['info']);
    const undecided = (cards[0]?.extension?.[UNDECIDED_EXTENSION] ?? []) as { rule: string; reason: string; evidence: string[] }[];
    expect(undecided.map((u) => [u.rule, u.reason])).toEqual([
      ['cert-missing', 'could not verify: Practitioner/pr-wang-fang could not be fetched (fetch failed: http-status 404)'],
      ['licence-missing', 'could not verify: Organization/org-hz-demo-mch could not be fetched (fetch failed: http-status 404)'],
    ]);
    expect(undecided[1]?.evidence).toContain('Organization/org-hz-demo-mch');
  });
});

describe('prefetch.patient null', () => {
  it('answers 200 with no cards (the EHR says there is no such patient), audited, nothing fetched', async () => {
    const app = buildE2eApp();
    const body = example(SERVICE);
    const res = await request(app.app)
      .post(`/cds-services/${SERVICE}`)
      .send({ ...body, prefetch: { ...body.prefetch, patient: null } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ cards: [] });
    expect(app.hookCalls.all().map((h) => h.status)).toEqual([200]);
    expect(app.logLines().some((l) => l.includes('prefetch.patient is null'))).toBe(true);
  });
});
