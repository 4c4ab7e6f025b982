import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { PregnancyFacts } from '../../src/clinical/finding-params.js';
import { SYSTEMS } from '../../src/clinical/codes.js';
import { fixedClock } from '../../src/clock.js';
import { compose, type Composition } from '../../src/compose.js';
import { loadConfig } from '../../src/config/load.js';
import { citationText, type Rule } from '../../src/engine/rule.js';
import type { ServiceId } from '../../src/engine/rule.js';
import { createLogger } from '../../src/log.js';
import { NIPT_RULES } from '../../src/nipt/rules/index.js';
import { NIPT_RULE_VERSION } from '../../src/nipt/rules/common.js';
import { ORDER_RULES } from '../../src/orders/rules/index.js';
import { packageRoot } from '../../src/package-root.js';
import { REFERRAL_RULES } from '../../src/referral/rules/index.js';
import { createReferralService } from '../../src/referral/service.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { createDatabase } from '../store/postgres-target.js';

/**
 * The audit of production-shaped calls (docs/design.md#audit): the composition of src/compose.ts
 * on each store engine, the shipped example requests over HTTP, and the rows read back. Every
 * finding and rule error carries its rule version and citation, and every call the clinical "now"
 * its rules were given — written from the service's result, never read back from the card JSON.
 */
const NOW = '2026-11-23T02:00:00Z'; // 10:00 in Asia/Shanghai
const SERVICES: readonly ServiceId[] = [
  'prenatal-diagnosis-referral',
  'prenatal-diagnosis-referral-encounter',
  'nipt-order-check',
  'special-technique-order-sign',
];
const PERIOD = { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' };

/** The version and citation each rule id must be audited with (the NIPT categories: the NIPT rule version and Art.28). */
const EXPECTED = new Map<string, { version: string; citation: string }>([
  ...[...REFERRAL_RULES, ...NIPT_RULES, ...ORDER_RULES].map(
    (r) => [r.id, { version: r.version, citation: citationText(r.citation) }] as const,
  ),
  ...(['nipt-suitable', 'nipt-caution', 'nipt-not-applicable'] as const).map(
    (id) => [id, { version: NIPT_RULE_VERSION, citation: 'ZJ-2023 Art.28; NIPT-2016' }] as const,
  ),
]);

/** The shipped example; at order-sign with one more draft: a fetal sex determination without a medical reason (Art.31). */
function example(id: ServiceId): Record<string, unknown> {
  const body = JSON.parse(readFileSync(join(packageRoot(), 'cds-hooks', 'examples', `${id}.json`), 'utf8')) as {
    context: { draftOrders?: { entry: unknown[] } };
  };
  if (id === 'special-technique-order-sign') {
    body.context.draftOrders!.entry.push({
      fullUrl: 'https://ehr.example.cn/fhir/ServiceRequest/sr-sex-1',
      resource: {
        resourceType: 'ServiceRequest',
        id: 'sr-sex-1',
        status: 'draft',
        intent: 'order',
        code: { coding: [{ system: SYSTEMS.prenatalOrder, code: 'fetal-sex-determination' }], text: '胎儿性别鉴定' },
        subject: { reference: 'Patient/p-zhang-li-1989' },
        requester: { reference: 'Practitioner/pr-wang-fang' },
      },
    });
  }
  return body;
}

/** The referral rules with one that throws, as a bug in a rule would. */
const withBrokenRule = (): readonly Rule<PregnancyFacts>[] =>
  REFERRAL_RULES.map((r) =>
    r.id === 'teratogen-exposure'
      ? {
          ...r,
          evaluate: () => {
            throw new RangeError('boom in a rule');
          },
        }
      : r,
  );

async function composed(env: Record<string, string>): Promise<Composition> {
  const config = loadConfig({ PUBLIC_BASE_URL: 'https://cds.audit.example', AUTH_MODE: 'off', LOG_LEVEL: 'silent', ...env });
  const logger = createLogger(config, new Writable({ write: (_c, _e, cb) => cb() }));
  const c = await compose(config, logger, { clock: fixedClock(NOW, config.clinicTimeZone) });
  const broken = createReferralService({
    policy: config.policy,
    locale: config.locale,
    newId: () => crypto.randomUUID(),
    publicBaseUrl: config.publicBaseUrl,
    rules: withBrokenRule(),
  });
  return { ...c, deps: { ...c.deps, services: { ...c.deps.services, 'prenatal-diagnosis-referral-encounter': broken } } };
}

function auditSuite(engine: string, open: () => Promise<Composition>): void {
  describe(`audit of production-shaped calls on ${engine}`, () => {
    let c: Composition;
    beforeAll(async () => {
      c = await open();
      const app = createApp(c.deps);
      for (const id of SERVICES) await request(app).post(`/cds-services/${id}`).send(example(id)).expect(200);
    });
    afterAll(() => c?.close());

    it('stores every call with the clinical now its rules were given', async () => {
      const calls = await c.store.audit.listHookCalls(PERIOD);
      expect(calls.map((h) => h.serviceId).sort()).toEqual([...SERVICES].sort());
      for (const h of calls) {
        expect(h).toMatchObject({ receivedAt: '2026-11-23T02:00:00.000Z', clinicalToday: '2026-11-23', clinicTimeZone: 'Asia/Shanghai' });
      }
    });

    it('stores every finding with the version and citation of the rule that made it', async () => {
      const findings = await c.store.audit.listFindings(PERIOD);
      const byService = new Map<string, string[]>();
      for (const f of findings) byService.set(f.serviceId, [...(byService.get(f.serviceId) ?? []), f.rule]);
      // Each example produces findings, the order-sign one from the certificate checks and the NIPT re-check alike.
      for (const id of SERVICES) expect(byService.get(id)?.length ?? 0, id).toBeGreaterThan(0);
      for (const f of findings) {
        expect(EXPECTED.get(f.rule), f.rule).toBeDefined();
        expect({ rule: f.rule, version: f.ruleVersion, citation: f.citation }).toEqual({ rule: f.rule, ...EXPECTED.get(f.rule) });
      }
    });

    it('stores a rule that threw with its version, citation and error class, and the other rules still ran', async () => {
      const errors = await c.store.audit.listRuleErrors(PERIOD);
      expect(errors).toEqual([
        expect.objectContaining({
          serviceId: 'prenatal-diagnosis-referral-encounter',
          rule: 'teratogen-exposure',
          ruleVersion: '1.0.0',
          citation: 'ZJ-2023 Art.24(3); PDM Art.17(3)',
          cause: 'boom in a rule',
          errorClass: 'RangeError',
        }),
      ]);
      const findings = await c.store.audit.listFindings(PERIOD);
      expect(findings.filter((f) => f.serviceId === 'prenatal-diagnosis-referral-encounter').length).toBeGreaterThan(0);
    });

    it('stores how the institution of an order call was found', async () => {
      const calls = await c.store.audit.listHookCalls(PERIOD);
      const order = calls.find((h) => h.serviceId === 'special-technique-order-sign');
      expect(order?.institutionId).toBeDefined();
      expect(order?.institutionVia).toMatch(/^(practitioner-role|encounter)$/);
    });
  });
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

auditSuite('the embedded store (PGlite)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-prod-'));
  dirs.push(dir);
  return composed({ DATA_DIR: dir });
});

const skipReason = postgresSkipReason('test/e2e/audit-production');
describe.skipIf(Boolean(skipReason))('on a PostgreSQL server', () => {
  let server: PostgresServer | undefined;
  let url = '';
  beforeAll(async () => {
    server = await startPostgres();
    url = await createDatabase(server);
  });
  afterAll(() => server?.stop());
  auditSuite('PostgreSQL (DATABASE_URL)', () => composed({ DATABASE_URL: url }));
});
