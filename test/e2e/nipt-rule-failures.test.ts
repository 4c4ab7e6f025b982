import { randomUUID } from 'node:crypto';
import type { Condition, EpisodeOfCare, Observation, Patient } from '@medplum/fhirtypes';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { addDays } from '../../src/calendar/index.js';
import { UNDECIDED_EXTENSION } from '../../src/cds-hooks/extensions.js';
import type { PregnancyFacts } from '../../src/clinical/finding-params.js';
import type { Rule } from '../../src/engine/rule.js';
import type { NiptRule } from '../../src/nipt/rules/common.js';
import { NIPT_RULES } from '../../src/nipt/rules/index.js';
import { REFERRAL_RULES } from '../../src/referral/rules/index.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { RULE_ERROR_REASON } from '../../src/render/undecided-card.js';
import { createServices } from '../../src/services.js';
import { expectConformant } from '../support/expect-conformant.js';
import { buildE2eApp, bundleOf, example, findingsOf, removeFromBundle, type HookBody, type WireCard } from './support/e2e-app.js';

/**
 * NIPT rule failures through HTTP (docs/design.md#rule-failures): a NIPT rule that throws never
 * yields a reassuring card — an order whose category the error leaves open gets no NIPT card, and
 * the "could not decide" card lists the rule as "could not evaluate"; when every rule that ran
 * threw (the NIPT rules and the referral rules the pathway re-uses), the answer is 500
 * `internal-error`, audited, as for the other services. Clinic day 2026-11-23 (e2e NOW).
 */
const SERVICE = 'nipt-order-check';
const TODAY = '2026-11-23';
const ORDER_SELECT_RULES = NIPT_RULES.filter((r) => r.hooks.includes('order-select')).map((r) => r.id);

function throwing<R extends Rule<never>>(rule: R): R {
  return {
    ...rule,
    evaluate: () => {
      throw new TypeError("Cannot read properties of undefined (reading '张丽')");
    },
  };
}

function appWith(rules: { nipt?: readonly NiptRule[]; referral?: readonly Rule<PregnancyFacts>[] }) {
  const base = buildE2eApp();
  const services = createServices({
    policy: base.deps.config.policy,
    locale: base.deps.config.locale,
    newId: randomUUID,
    publicBaseUrl: base.deps.config.publicBaseUrl,
    registry: new MemoryRegistryStore(),
    ...(rules.nipt ? { niptRules: rules.nipt } : {}),
    ...(rules.referral ? { referralRules: rules.referral } : {}),
  });
  return { ...base, app: createApp({ ...base.deps, services }) };
}

const post = (app: ReturnType<typeof appWith>, body: HookBody) =>
  request(app.app).post(`/cds-services/${SERVICE}`).set('Content-Type', 'application/json').send(JSON.stringify(body));

/** The shipped example for a 23-year-old at 16+0 with no indication at all: NIPT suitable. */
function suitable(): HookBody {
  const body = example(SERVICE);
  const lmp = addDays(TODAY, -112);
  const scan = addDays(lmp, 75);
  (body.prefetch!['patient'] as Patient).birthDate = '2003-06-18';
  removeFromBundle(body, 'familyHistory', ['fmh-brother-thal-1']);
  removeFromBundle(body, 'observations', ['obs-afi-1', 'obs-nt-1']);
  removeFromBundle(body, 'diagnosticReports', ['dr-us-20261120']);
  const edd = bundleOf(body, 'observations')
    .entry!.map((e) => e.resource as Observation)
    .find((o) => o.id === 'obs-edd-1')!;
  edd.valueDateTime = addDays(lmp, 280);
  edd.effectiveDateTime = `${scan}T10:15:00+08:00`;
  edd.issued = `${scan}T10:40:00+08:00`;
  const pregnancy = bundleOf(body, 'conditions')
    .entry!.map((e) => e.resource as Condition)
    .find((c) => c.id === 'cond-pregnancy-1')!;
  pregnancy.onsetDateTime = lmp;
  pregnancy.recordedDate = scan;
  (bundleOf(body, 'episodes').entry![0]!.resource as EpisodeOfCare).period = { start: scan };
  return body;
}

const niptCards = (cards: readonly WireCard[]) => cards.filter((c) => findingsOf(c).some((f) => f.rule.startsWith('nipt-')));
const undecidedOf = (cards: readonly WireCard[]) =>
  (cards.at(-1)?.extension?.[UNDECIDED_EXTENSION] ?? []) as { rule: string; reason: string }[];

describe('NIPT rules that throw, through HTTP', () => {
  it('the control: the record is "NIPT suitable" when no rule throws', async () => {
    const res = await post(appWith({}), suitable());
    expect(res.status).toBe(200);
    const cards = (res.body as { cards: WireCard[] }).cards;
    expect(niptCards(cards).map((c) => [c.indicator, findingsOf(c)[0]!.rule])).toEqual([['info', 'nipt-suitable']]);
  });

  it('one NIPT rule threw on a suitable order: no "suitable" card; the could-not-decide card lists it', async () => {
    const app = appWith({ nipt: NIPT_RULES.map((r) => (r.id === 'nipt-ivf' ? throwing(r) : r)) });
    const res = await post(app, suitable());
    expect(res.status).toBe(200);
    expectConformant(res.body);
    const cards = (res.body as { cards: WireCard[] }).cards;
    expect(niptCards(cards)).toEqual([]);
    expect(JSON.stringify(cards)).not.toContain('NIPT适用');
    expect(undecidedOf(cards)).toContainEqual({ rule: 'nipt-ivf', reason: RULE_ERROR_REASON, evidence: [] });
    expect(cards.at(-1)!.summary.startsWith('无法判断')).toBe(true);
    expect(app.hookCalls.all()[0]?.ruleErrors.map((e) => e.rule)).toEqual(['nipt-ivf']);
  });

  it('every NIPT rule threw (the referral rules answered): no NIPT card, each rule "could not evaluate"', async () => {
    const app = appWith({ nipt: NIPT_RULES.map(throwing) });
    const res = await post(app, suitable());
    expect(res.status).toBe(200);
    expectConformant(res.body);
    const cards = (res.body as { cards: WireCard[] }).cards;
    expect(cards).toHaveLength(1);
    expect(
      undecidedOf(cards)
        .map((u) => u.rule)
        .sort(),
    ).toEqual([...ORDER_SELECT_RULES].sort());
    expect(JSON.stringify(res.body)).not.toContain('Cannot read');
  });

  it('every rule that ran threw: 500 internal-error, audited with every rule error and no card', async () => {
    const app = appWith({ nipt: NIPT_RULES.map(throwing), referral: REFERRAL_RULES.map(throwing) });
    const body = suitable();
    const res = await post(app, body);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ details: { coding: [{ code: 'internal-error' }] } }] });
    const [rec] = app.hookCalls.all();
    expect(rec).toMatchObject({ hookInstance: body.hookInstance, serviceId: SERVICE, status: 500, cards: [] });
    expect(rec?.ruleErrors.map((e) => e.rule).sort()).toEqual([...REFERRAL_RULES.map((r) => r.id), ...ORDER_SELECT_RULES].sort());
    expect(app.logLines().join('\n')).not.toContain('张丽');
  });
});
