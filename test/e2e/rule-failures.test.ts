import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { UNDECIDED_EXTENSION } from '../../src/cds-hooks/extensions.js';
import type { PregnancyFacts } from '../../src/clinical/finding-params.js';
import type { Rule } from '../../src/engine/rule.js';
import { REFERRAL_RULES } from '../../src/referral/rules/index.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { RULE_ERROR_REASON } from '../../src/render/undecided-card.js';
import { createServices } from '../../src/services.js';
import { bearer, ISS, makeKey, signToken, type TestKey } from '../auth/support/tokens.js';
import { expectConformant } from '../support/expect-conformant.js';
import { buildE2eApp, example, findingsOf, NOW_SECONDS, PUBLIC_BASE_URL, type HookBody, type WireCard } from './support/e2e-app.js';

/**
 * Rule failures are loud (docs/design.md#rule-failures), end to end with AUTH_MODE=jwt: a rule that
 * throws is logged (rule, version, error class, hookInstance — never its message, the name or the
 * token), listed as "could not evaluate" on the "could not decide" card and audited; when every rule
 * that ran threw, the answer is 500 `internal-error`, not `{"cards":[]}` — and the call is still audited.
 */
const SERVICE = 'prenatal-diagnosis-referral';
const SERVICE_URL = `${PUBLIC_BASE_URL}/cds-services/${SERVICE}`;
/** The example woman's name: a failing rule's message quotes it; no log line may. */
const NAME = '张丽';

let key: TestKey;
beforeAll(async () => {
  key = await makeKey('ES384', `rule-failures-${randomUUID()}`);
});

/** A rule that throws as a bug would, its message quoting record data. */
function throwing(rule: Rule<PregnancyFacts>): Rule<PregnancyFacts> {
  return {
    ...rule,
    evaluate: () => {
      throw new TypeError(`Cannot read properties of undefined (reading '${NAME}')`);
    },
  };
}

function appWith(rules: readonly Rule<PregnancyFacts>[]) {
  const issuers = [{ iss: ISS, jwks: { keys: [key.jwk] }, fhirServers: ['https://ehr.example.cn/fhir'] }];
  const base = buildE2eApp({ env: { AUTH_MODE: 'jwt', TRUSTED_ISSUERS: JSON.stringify(issuers) } });
  const services = createServices({
    policy: base.deps.config.policy,
    locale: base.deps.config.locale,
    newId: randomUUID,
    publicBaseUrl: base.deps.config.publicBaseUrl,
    registry: new MemoryRegistryStore(),
    referralRules: rules,
  });
  return { ...base, app: createApp({ ...base.deps, services }) };
}

async function call(app: ReturnType<typeof appWith>, body: HookBody) {
  const jwt = await signToken(key, { now: NOW_SECONDS, claims: { iss: ISS, aud: SERVICE_URL } });
  const res = await request(app.app)
    .post(`/cds-services/${SERVICE}`)
    .set('Content-Type', 'application/json')
    .set('Authorization', bearer(jwt))
    .send(JSON.stringify(body));
  return { res, jwt };
}

const ruleErrorLines = (app: ReturnType<typeof appWith>) =>
  app
    .logLines()
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === 'rule failed: could not evaluate');

describe('a rule that throws', () => {
  it('is logged without data, listed as "could not evaluate" on the could-not-decide card, and audited', async () => {
    const app = appWith(REFERRAL_RULES.map((r) => (r.id === 'ama' ? throwing(r) : r)));
    const body = example(SERVICE);
    const { res, jwt } = await call(app, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectConformant(res.body);
    const cards = (res.body as { cards: WireCard[] }).cards;
    // The other rules still ran: the referral card (amniotic fluid), then the could-not-decide card last.
    expect(findingsOf(cards[0]).map((f) => f.rule)).toContain('amniotic-fluid');
    const last = cards.at(-1)!;
    expect(last.indicator).toBe('info');
    expect(last.summary.startsWith('无法判断')).toBe(true);
    expect(last.extension?.[UNDECIDED_EXTENSION]).toEqual([{ rule: 'ama', reason: RULE_ERROR_REASON, evidence: [] }]);
    expect(last.detail).toContain('本项规则执行出错，未能评估');
    expect(JSON.stringify(res.body)).not.toContain('Cannot read');

    const lines = ruleErrorLines(app);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 50,
      rule: 'ama',
      ruleVersion: '1.0.0',
      errorClass: 'TypeError',
      serviceId: SERVICE,
      hookInstance: body.hookInstance,
    });
    const log = app.logLines().join('\n');
    expect(log).not.toContain(NAME);
    expect(log).not.toContain('Cannot read');
    expect(log).not.toContain(jwt);
    expect(log).not.toContain('example-opaque-access-token');

    const [rec] = app.hookCalls.all();
    expect(rec?.status).toBe(200);
    expect(rec?.ruleErrors).toEqual([expect.objectContaining({ rule: 'ama', ruleVersion: '1.0.0', errorClass: 'TypeError' })]);
  });
});

describe('every rule that ran threw', () => {
  it('answers 500 internal-error (an OperationOutcome), not an empty card list, and audits the call with each rule error', async () => {
    const app = appWith(REFERRAL_RULES.map(throwing));
    const body = example(SERVICE);
    const { res } = await call(app, body);
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toMatch(/application\/fhir\+json/);
    expect(res.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ details: { coding: [{ code: 'internal-error' }] } }],
    });
    expect(JSON.stringify(res.body)).not.toContain(NAME);

    const [rec] = app.hookCalls.all();
    expect(rec).toMatchObject({ hookInstance: body.hookInstance, serviceId: SERVICE, status: 500, cards: [] });
    expect(rec?.notice).toBeUndefined();
    expect(rec?.ruleErrors.map((e) => e.rule)).toEqual(REFERRAL_RULES.map((r) => r.id));
    expect(ruleErrorLines(app).map((l) => l.rule)).toEqual(REFERRAL_RULES.map((r) => r.id));
    expect(app.logLines().join('\n')).not.toContain(NAME);
  });

  it('one rule that answered (even "not fired") is enough: 200 with the could-not-decide card', async () => {
    const app = appWith(REFERRAL_RULES.map((r) => (r.id === 'prior-affected-birth' ? r : throwing(r))));
    const { res } = await call(app, example(SERVICE));
    expect(res.status).toBe(200);
    const cards = (res.body as { cards: WireCard[] }).cards;
    expect(cards).toHaveLength(1);
    expect((cards[0]!.extension?.[UNDECIDED_EXTENSION] as unknown[]).length).toBe(REFERRAL_RULES.length - 1);
    expect(app.hookCalls.all()[0]?.status).toBe(200);
  });
});
