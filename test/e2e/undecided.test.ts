import type { Observation, Patient } from '@medplum/fhirtypes';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { UNDECIDED_EXTENSION } from '../../src/cds-hooks/extensions.js';
import { expectConformant } from '../support/expect-conformant.js';
import { buildE2eApp, bundleOf, example, findingsOf, type E2eApp, type HookBody, type WireCard } from './support/e2e-app.js';
import { json } from '../fhir/support/fhir-stub.js';
import { againstEhr, startFallbackEhr, type FallbackEhr } from './support/fhir-fallback.js';

/**
 * "Could not decide" is visible (docs/design.md#undecided): a rule that can neither fire nor rule
 * out gives one `info` card after every other card, listing what is missing and where, in
 * `org.prenatal-cds.undecided` — never silence. Through HTTP, with the data prefetched and fetched.
 *
 * The example woman: final EDD 2027-05-10; AFI 4.6 cm (oligohydramnios) on 2026-11-20.
 */
const SERVICE = 'prenatal-diagnosis-referral';

interface WireUndecided {
  readonly rule: string;
  readonly reason: string;
  readonly evidence: string[];
}
const undecidedOf = (card: WireCard | undefined): WireUndecided[] => (card?.extension?.[UNDECIDED_EXTENSION] ?? []) as WireUndecided[];

async function cardsOf(app: E2eApp, body: HookBody): Promise<WireCard[]> {
  const res = await request(app.app).post(`/cds-services/${SERVICE}`).set('Content-Type', 'application/json').send(JSON.stringify(body));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectConformant(res.body);
  return (res.body as { cards: WireCard[] }).cards;
}

/** The example with a year-only birth date spanning 35 at the EDD, and the AFI without any unit. */
function uncertain(): HookBody {
  const body = example(SERVICE);
  (body.prefetch!['patient'] as Patient).birthDate = '1992';
  const afi = bundleOf(body, 'observations')
    .entry!.map((e) => e.resource as Observation)
    .find((o) => o.id === 'obs-afi-1')!;
  afi.valueQuantity = { value: 4.6 };
  return body;
}

const ehrs: FallbackEhr[] = [];
afterEach(async () => {
  for (const e of ehrs.splice(0)) await e.stub.close();
});

describe('undecided outcomes through HTTP', () => {
  it('a partial birthDate spanning 35 and an AFI without a unit: the referral card, then one "could not decide" card naming both', async () => {
    const app = buildE2eApp();
    const cards = await cardsOf(app, uncertain());
    expect(cards).toHaveLength(2);
    const [referral, undecided] = cards;
    // The brother's thalassaemia still fires; neither age nor amniotic fluid is claimed either way.
    expect(findingsOf(referral).map((f) => f.rule)).toEqual(['genetic-family-history']);
    expect(undecided).toMatchObject({ indicator: 'info', source: { label: 'prenatal-cds · 无法判断' } });
    expect(undecided!.summary.startsWith('无法判断')).toBe(true);
    expect(undecided!.summary.length).toBeLessThan(140);
    expect(undecided!.extension?.['org.prenatal-cds.findings']).toBeUndefined();
    const items = undecidedOf(undecided);
    expect(items.map((u) => u.rule)).toEqual(['ama', 'amniotic-fluid']);
    expect(items[0]).toMatchObject({ reason: expect.stringContaining('1992'), evidence: ['Patient/p-zhang-li-1989'] });
    expect(items[1]).toMatchObject({ reason: expect.stringContaining('not cm or mm'), evidence: ['Observation/obs-afi-1'] });
    expect(undecided!.detail).toContain('高龄孕妇');
    expect(undecided!.detail).toContain('Observation/obs\\-afi\\-1');
  });

  it('the audit keeps the undecided outcomes with their rule version and citation', async () => {
    const app = buildE2eApp();
    const cards = await cardsOf(app, uncertain());
    const [rec] = app.hookCalls.all();
    expect(rec?.undecided).toEqual([
      expect.objectContaining({ rule: 'ama', ruleVersion: '1.0.0', citation: 'ZJ-2023 Art.24(5); PDM Art.17(5)' }),
      expect.objectContaining({ rule: 'amniotic-fluid', ruleVersion: '1.0.0', evidence: ['Observation/obs-afi-1'] }),
    ]);
    expect(rec?.cards.map((c) => [c.uuid, c.indicator, c.rules])).toEqual([
      [cards[0]!.uuid, 'warning', ['genetic-family-history']],
      [cards[1]!.uuid, 'info', []],
    ]);
  });

  it('English: "Could not decide"', async () => {
    const app = buildE2eApp({ env: { LOCALE: 'en' } });
    const cards = await cardsOf(app, uncertain());
    expect(cards[1]!.summary.startsWith('Could not decide')).toBe(true);
  });

  it('nothing undecided: no extra card', async () => {
    const cards = await cardsOf(buildE2eApp(), example(SERVICE));
    expect(cards).toHaveLength(1);
    expect(undecidedOf(cards[0])).toEqual([]);
  });

  it('the same from the FHIR server when nothing is prefetched', async () => {
    const body = uncertain();
    const fhir = await startFallbackEhr(SERVICE, body);
    ehrs.push(fhir);
    const cards = await cardsOf(buildE2eApp(), againstEhr(body, fhir.stub.fhirServer, undefined));
    expect(cards.map((c) => c.indicator)).toEqual(['warning', 'info']);
    expect(undecidedOf(cards[1]).map((u) => u.rule)).toEqual(['ama', 'amniotic-fluid']);
  });
});

describe('"could not verify" at order-sign through HTTP', () => {
  it('a signing practitioner no source knows: no cert-missing card, the certificate could not be verified', async () => {
    const body = example('special-technique-order-sign');
    body.context['userId'] = 'Practitioner/pr-not-in-any-record';
    // No encounter either (its serviceProvider would name the institution).
    delete body.context['encounterId'];
    delete body.prefetch!['encounter'];
    const res = await request(buildE2eApp().app).post('/cds-services/special-technique-order-sign').send(body);
    expect(res.status).toBe(200);
    expectConformant(res.body);
    const cards = (res.body as { cards: WireCard[] }).cards;
    expect(cards.flatMap((c) => findingsOf(c).map((f) => f.rule))).not.toContain('cert-missing');
    expect(cards.map((c) => c.indicator)).toEqual(['info']);
    // Neither the practitioner nor, through their role, the institution is known: both could not be verified.
    expect(undecidedOf(cards[0])).toEqual([
      {
        rule: 'cert-missing',
        reason:
          'could not verify: no certificate data found for Practitioner/pr-not-in-any-record (no Practitioner resource in the record, none in the registry)',
        evidence: ['ServiceRequest/sr-amnio-draft-1', 'Practitioner/pr-not-in-any-record'],
      },
      {
        rule: 'licence-missing',
        reason: 'could not verify: no licence data found for the ordering institution (not resolved)',
        evidence: ['ServiceRequest/sr-amnio-draft-1', 'Practitioner/pr-not-in-any-record'],
      },
    ]);
  });
});

describe('"could not verify" at order-select (NIPT) through HTTP', () => {
  /** The NIPT example as an EHR that ignores `_include` returns it: the role without its Organization. */
  function withoutIncludedOrganization(): HookBody {
    const body = example('nipt-order-check');
    const roles = bundleOf(body, 'practitionerRoles');
    roles.entry = roles.entry!.filter((e) => e.resource?.resourceType !== 'Organization');
    roles.total = roles.entry.length;
    return body;
  }

  async function niptCards(body: HookBody): Promise<WireCard[]> {
    const res = await request(buildE2eApp().app)
      .post('/cds-services/nipt-order-check')
      .send(JSON.stringify(body))
      .set('Content-Type', 'application/json');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectConformant(res.body);
    return (res.body as { cards: WireCard[] }).cards;
  }

  function expectCouldNotVerify(cards: WireCard[], why: string): void {
    expect(cards.flatMap((c) => findingsOf(c).map((f) => f.rule))).not.toContain('nipt-institution-not-authorized');
    expect(cards.at(-1)!.indicator).toBe('info');
    expect(undecidedOf(cards.at(-1))).toEqual([
      {
        rule: 'nipt-institution-not-authorized',
        reason: `could not verify: Organization/org-hz-demo-mch could not be fetched (${why})`,
        evidence: ['Organization/org-hz-demo-mch', 'PractitionerRole/prr-wang-fang-1'],
      },
    ]);
  }

  it('prefetched without the Organization, no FHIR server to read it from: the institution could not be verified, no "not authorised" card', async () => {
    const { fhirServer: _s, fhirAuthorization: _a, ...body } = withoutIncludedOrganization();
    expectCouldNotVerify(await niptCards(body), 'not read: no fhirServer with fhirAuthorization');
  });

  it('the same from the FHIR server when nothing is prefetched', async () => {
    const body = withoutIncludedOrganization();
    // The Organization read by reference answers 404.
    const notFound = json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] }, 404);
    const fhir = await startFallbackEhr('nipt-order-check', body, { extraRoutes: { '/fhir/Organization/org-hz-demo-mch': notFound } });
    ehrs.push(fhir);
    expectCouldNotVerify(await niptCards(againstEhr(body, fhir.stub.fhirServer, undefined)), 'fetch failed: http-status 404');
  });
});
