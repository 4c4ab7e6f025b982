import type { Condition, Observation } from '@medplum/fhirtypes';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { UNDECIDED_EXTENSION } from '../../src/cds-hooks/extensions.js';
import type { ServiceId } from '../../src/engine/rule.js';
import { expectConformant } from '../support/expect-conformant.js';
import {
  addToBundle,
  buildE2eApp,
  bundleOf,
  example,
  findingsOf,
  ruleIds,
  type E2eApp,
  type HookBody,
  type WireCard,
} from './support/e2e-app.js';
import { useFallbackEhrs } from './support/fhir-fallback.js';

/**
 * A pregnancy that should have ended (docs/rules.md#pregnancy-status-unclear), through HTTP with
 * prefetch and through the FHIR fallback. Today is 2026-11-23 (Asia/Shanghai); the example woman
 * (born 1989-03-15, AFI 4.6 cm on 2026-11-20, brother with β-thalassaemia, an active pregnancy
 * Condition and EpisodeOfCare) gets her final EDD moved into the past. Past the EDD by more than
 * POSTTERM_MAX_DAYS (14, GA > 42+0) with no delivery recorded, no referral card: one "could not
 * decide" card instead; the NIPT check claims no suitability.
 */
const REFERRAL = 'prenatal-diagnosis-referral';
const NIPT = 'nipt-order-check';
const REFERRAL_RULES = ['ama', 'amniotic-fluid', 'genetic-family-history'];

interface WireUndecided {
  readonly rule: string;
  readonly reason: string;
  readonly evidence: string[];
}
const undecidedOf = (card: WireCard | undefined): WireUndecided[] => (card?.extension?.[UNDECIDED_EXTENSION] ?? []) as WireUndecided[];

/** The service's example with the final EDD (obs-edd-1) set to `edd`. */
function withEdd(service: ServiceId, edd: string): HookBody {
  const body = example(service);
  const obs = bundleOf(body, 'observations')
    .entry!.map((e) => e.resource as Observation)
    .find((o) => o.id === 'obs-edd-1')!;
  obs.valueDateTime = edd;
  return body;
}

/** A discharge diagnosis as Chinese EHRs export it: Z37.000 单胎活产, ICD-10 national clinical edition. */
const liveBirth = (onset: string): Condition => ({
  resourceType: 'Condition',
  id: 'cond-z37-1',
  clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] },
  verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] }],
  code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cn', code: 'Z37.000', display: '单胎活产' }], text: '单胎活产' },
  subject: { reference: 'Patient/p-zhang-li-1989' },
  onsetDateTime: onset,
  recordedDate: '2026-11-14',
});

async function cardsOf(app: E2eApp, service: ServiceId, body: HookBody): Promise<WireCard[]> {
  const res = await request(app.app).post(`/cds-services/${service}`).set('Content-Type', 'application/json').send(JSON.stringify(body));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectConformant(res.body);
  return (res.body as { cards: WireCard[] }).cards;
}

/** The same request without prefetch, against a FHIR server holding its data. */
const viaFhir = useFallbackEhrs();

const MODES = [
  ['prefetch', (_s: ServiceId, b: HookBody) => Promise.resolve(b)],
  ['FHIR fallback', viaFhir],
] as const;

describe.each(MODES)('pregnancy status unclear (%s)', (_mode, send) => {
  it('EDD 15 days past (GA 42+1), no delivery recorded: no referral card, one "could not decide" card', async () => {
    const app = buildE2eApp();
    const cards = await cardsOf(app, REFERRAL, await send(REFERRAL, withEdd(REFERRAL, '2026-11-08')));
    expect(cards).toHaveLength(1);
    const [card] = cards;
    expect(card!.indicator).toBe('info');
    expect(findingsOf(card)).toEqual([]);
    const items = undecidedOf(card);
    expect(items.map((u) => u.rule)).toEqual(REFERRAL_RULES);
    for (const u of items) {
      expect(u.reason).toBe('pregnancy status unclear: 15 days past the EDD with no delivery recorded (EDD 2026-11-08)');
      expect(u.evidence[0]).toBe('Observation/obs-edd-1');
    }
    expect(items.find((u) => u.rule === 'amniotic-fluid')?.evidence).toContain('Observation/obs-afi-1');
    const [rec] = app.hookCalls.all();
    expect(rec?.findings ?? []).toEqual([]);
    expect(rec?.undecided?.map((u) => u.rule)).toEqual(REFERRAL_RULES);
    expect(rec?.notice).toBeUndefined();
  });

  it('EDD 14 days past (GA 42+0, the limit itself): the referral card as usual', async () => {
    const cards = await cardsOf(buildE2eApp(), REFERRAL, await send(REFERRAL, withEdd(REFERRAL, '2026-11-09')));
    expect(cards).toHaveLength(1);
    expect(cards[0]!.indicator).toBe('warning');
    expect(ruleIds(cards[0])).toEqual(REFERRAL_RULES);
  });

  it('EDD 15 days past with a live birth recorded after the LMP: the pregnancy has ended, no card at all', async () => {
    const body = withEdd(REFERRAL, '2026-11-08');
    addToBundle(body, 'conditions', liveBirth('2026-11-12T06:40:00+08:00'));
    expect(await cardsOf(buildE2eApp(), REFERRAL, await send(REFERRAL, body))).toEqual([]);
  });

  it('NIPT at GA 42+1 on an unclear pregnancy: not applicable (window passed), never suitable, no Art.24 findings', async () => {
    const cards = await cardsOf(buildE2eApp(), NIPT, await send(NIPT, withEdd(NIPT, '2026-11-08')));
    const nipt = cards.find((c) => findingsOf(c).length > 0)!;
    const rules = findingsOf(nipt).map((f) => f.rule);
    expect(rules).not.toContain('nipt-suitable');
    expect(rules.slice(0, 2)).toEqual(['nipt-not-applicable', 'nipt-ga-too-late']);
    expect(findingsOf(nipt)[0]!.params['art24']).toEqual([]);
  });
});
