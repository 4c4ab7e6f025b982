import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { fixedClock } from '../../src/clock.js';
import { compose, type Composition } from '../../src/compose.js';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { AppError } from '../../src/errors/app-error.js';
import { listenMetrics } from '../../src/http/metrics-route.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { countStoreErrors } from '../../src/metrics/store-errors.js';
import { createSnapshotLoader } from '../../src/fhir/load-snapshot.js';
import { createLogger } from '../../src/log.js';
import { packageRoot } from '../../src/package-root.js';
import { buildHarness, NOW } from '../support/app-fixture.js';

/** `/metrics` (docs/design.md#metrics): what a real hook call moves, and who may scrape. */

const SERVICE = 'prenatal-diagnosis-referral';
const TOKEN = 'metrics-scrape-token-0123456789';
const example = readFileSync(join(packageRoot(), 'cds-hooks', 'examples', `${SERVICE}.json`), 'utf8');

/** Samples of an exposition, keyed `name{labels as written}`. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

async function composed(
  env: Record<string, string>,
  opts: { refreshSummary?: boolean } = {},
): Promise<{ c: Composition; app: ReturnType<typeof createApp>; lines: string[] }> {
  const config = loadConfig({ AUTH_MODE: 'off', DATA_DIR: 'memory://', LOG_LEVEL: 'info', ...env });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const c = await compose(config, createLogger(config, sink), { clock: fixedClock(NOW, config.clinicTimeZone), ...opts });
  return { c, app: createApp(c.deps), lines };
}

const scrape = async (app: ReturnType<typeof createApp>, auth?: string) => {
  const req = request(app).get('/metrics');
  const res = await (auth ? req.set('Authorization', auth) : req);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return samples(res.text);
};

describe('/metrics after a real hook call (composed service, PGlite)', () => {
  let s: Awaited<ReturnType<typeof composed>>;
  beforeAll(async () => {
    s = await composed({ RATE_LIMIT_PER_MINUTE: '2', METRICS_TOKEN: TOKEN });
  });
  afterAll(() => s.c.close());

  it('counts the call by service and status, times each stage once, counts findings by rule as audited', async () => {
    const res = await request(s.app).post(`/cds-services/${SERVICE}`).set('Content-Type', 'application/json').send(example);
    expect(res.status).toBe(200);
    expect(res.body.cards.length).toBeGreaterThan(0);
    const m = await scrape(s.app, `Bearer ${TOKEN}`);
    expect(m.get(`prenatal_cds_hook_calls_total{service="${SERVICE}",status="200"}`)).toBe(1);
    expect(m.get(`prenatal_cds_hook_calls_total{service="${SERVICE}",status="500"}`)).toBe(0);
    for (const stage of ['fhir_fetch', 'rules', 'store_commit', 'total']) {
      expect(m.get(`prenatal_cds_hook_stage_seconds_count{service="${SERVICE}",stage="${stage}"}`), stage).toBe(1);
      expect(m.get(`prenatal_cds_hook_stage_seconds_bucket{service="${SERVICE}",stage="${stage}",le="+Inf"}`), stage).toBe(1);
    }
    expect(m.get(`prenatal_cds_hook_stage_seconds_count{service="nipt-order-check",stage="total"}`)).toBe(0);
    // The findings the audit holds for the call, rule by rule, are the counters' values.
    const audited = await s.c.store.audit.listFindings({ from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' });
    expect(audited.length).toBeGreaterThan(0);
    const byRule = new Map<string, number>();
    for (const f of audited) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
    for (const [rule, n] of byRule) expect(m.get(`prenatal_cds_findings_total{rule="${rule}"}`), rule).toBe(n);
    const total = [...m].filter(([k]) => k.startsWith('prenatal_cds_findings_total')).reduce((a, [, v]) => a + v, 0);
    expect(total).toBe(audited.length);
    expect(m.get('prenatal_cds_rule_errors_total{rule="ama"}')).toBe(0);
    expect(m.get('prenatal_cds_fhir_fetch_failures_total{kind="timeout"}')).toBe(0);
    // Process metrics of prom-client.
    expect(m.has('process_cpu_user_seconds_total')).toBe(true);
    expect(m.has('nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('a call over RATE_LIMIT_PER_MINUTE: one more 429 call and one issuer rejection', async () => {
    const call = () => request(s.app).post(`/cds-services/${SERVICE}`).set('Content-Type', 'application/json').send(example);
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(429);
    const m = await scrape(s.app, `Bearer ${TOKEN}`);
    expect(m.get(`prenatal_cds_hook_calls_total{service="${SERVICE}",status="200"}`)).toBe(2);
    expect(m.get(`prenatal_cds_hook_calls_total{service="${SERVICE}",status="429"}`)).toBe(1);
    expect(m.get('prenatal_cds_rate_limited_total{limiter="issuer"}')).toBe(1);
    expect(m.get('prenatal_cds_rate_limited_total{limiter="auth-failure"}')).toBe(0);
    // A refused call ran no stage but its total.
    expect(m.get(`prenatal_cds_hook_stage_seconds_count{service="${SERVICE}",stage="rules"}`)).toBe(2);
    expect(m.get(`prenatal_cds_hook_stage_seconds_count{service="${SERVICE}",stage="total"}`)).toBe(3);
  });

  it('QC requests by route pattern and status', async () => {
    await request(s.app).get('/qc/notification-compliance?from=2026-11-01&to=2026-11-30').expect(401);
    const m = await scrape(s.app, `Bearer ${TOKEN}`);
    expect(m.get('prenatal_cds_qc_requests_total{route="/qc/notification-compliance",status="401"}')).toBe(1);
  });

  it('METRICS_TOKEN: 401 without it or with a wrong one (saying nothing), 200 with it; never logged', async () => {
    const none = await request(s.app).get('/metrics');
    expect(none.status).toBe(401);
    expect(none.text).not.toContain('prenatal_cds');
    expect((await request(s.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}x`)).status).toBe(401);
    expect((await request(s.app).get('/metrics').set('Authorization', TOKEN)).status).toBe(401);
    await scrape(s.app, `bearer ${TOKEN}`);
    expect(s.lines.join('')).not.toContain(TOKEN);
  });

  it('FHIR read failures by kind: one per read the FHIR server answered 500', async () => {
    let reads = 0;
    const fhir: Server = createServer((_req, res) => {
      reads += 1;
      res.writeHead(500, { 'Content-Type': 'application/fhir+json' }).end('{}');
    });
    await new Promise<void>((r) => fhir.listen(0, '127.0.0.1', r));
    try {
      const metrics = createMetrics({ services: [SERVICE] });
      const h = buildHarness({
        env: { METRICS_TOKEN: TOKEN },
        deps: {
          metrics,
          loadSnapshot: createSnapshotLoader({
            timeoutMs: 3000,
            maxPages: 2,
            logger: createLogger({ logLevel: 'silent' }),
            onFetchFailure: (kind) => metrics.fhirFailure(kind),
          }),
        },
      });
      const body = { ...JSON.parse(example), prefetch: undefined };
      body.fhirServer = `http://127.0.0.1:${(fhir.address() as AddressInfo).port}/fhir`;
      body.fhirAuthorization = {
        access_token: 'fhir-access-token-abc',
        token_type: 'Bearer',
        expires_in: 300,
        scope: 'patient/*.read',
        subject: 'cds',
      };
      const res = await request(h.app).post(`/cds-services/${SERVICE}`).set('Content-Type', 'application/json').send(body);
      expect(res.status).toBe(412);
      expect(reads).toBeGreaterThan(0);
      const m = await scrape(h.app, `Bearer ${TOKEN}`);
      expect(m.get('prenatal_cds_fhir_fetch_failures_total{kind="http-status"}')).toBe(reads);
      expect(m.get('prenatal_cds_fhir_fetch_failures_total{kind="timeout"}')).toBe(0);
      expect(m.get(`prenatal_cds_hook_calls_total{service="${SERVICE}",status="412"}`)).toBe(1);
      expect(m.get(`prenatal_cds_hook_stage_seconds_count{service="${SERVICE}",stage="fhir_fetch"}`)).toBe(0);
      expect(JSON.stringify(h.logLines())).not.toContain('fhir-access-token-abc');
    } finally {
      await new Promise<void>((r) => fhir.close(() => r()));
    }
  });
});

describe('/metrics: the compliance summary refresh', () => {
  it('times each transaction by kind, in the buckets of its seconds', async () => {
    const metrics = createMetrics({ services: [SERVICE] });
    metrics.summaryTransaction('fold', 0.2);
    metrics.summaryTransaction('fold', 3.8);
    metrics.summaryTransaction('mark', 0.04);
    const m = samples(await metrics.scrape());
    expect(m.get('prenatal_cds_qc_summary_transaction_seconds_count{kind="fold"}')).toBe(2);
    expect(m.get('prenatal_cds_qc_summary_transaction_seconds_bucket{kind="fold",le="0.25"}')).toBe(1);
    expect(m.get('prenatal_cds_qc_summary_transaction_seconds_bucket{kind="fold",le="5"}')).toBe(2);
    expect(m.get('prenatal_cds_qc_summary_transaction_seconds_sum{kind="fold"}')).toBeCloseTo(4, 6);
    expect(m.get('prenatal_cds_qc_summary_transaction_seconds_count{kind="mark"}')).toBe(1);
  });

  it('the summary state, read once before each scrape: the women waiting and whether it is of today’s settings; a failed read is NaN and a store error', async () => {
    const metrics = createMetrics({ services: [SERVICE] });
    expect([...samples(await metrics.scrape()).keys()].filter((k) => k.startsWith('prenatal_cds_qc_summary_b'))).toEqual([]);
    let reads = 0;
    let next: () => Promise<{ current: boolean; backlog: number }> = async () => ({ current: false, backlog: 68_522 });
    metrics.watchSummary(() => {
      reads += 1;
      return next();
    });
    let m = samples(await metrics.scrape());
    expect(m.get('prenatal_cds_qc_summary_backlog')).toBe(68_522);
    expect(m.get('prenatal_cds_qc_summary_current')).toBe(0);
    expect(reads).toBe(1);
    next = async () => ({ current: true, backlog: 0 });
    m = samples(await metrics.scrape());
    expect([m.get('prenatal_cds_qc_summary_backlog'), m.get('prenatal_cds_qc_summary_current'), reads]).toEqual([0, 1, 2]);
    next = () => Promise.reject(new AppError('store-unavailable'));
    m = samples(await metrics.scrape());
    expect(m.get('prenatal_cds_qc_summary_backlog')).toBeNaN();
    expect(m.get('prenatal_cds_qc_summary_current')).toBeNaN();
    expect(m.get('prenatal_cds_store_errors_total{operation="qc-summary-status"}')).toBe(1);
    expect(() => metrics.watchSummary(next)).toThrow(/already watched/);
  });

  it('every prenatal_cds metric family is in the table of docs/design.md#metrics', async () => {
    const metrics = createMetrics({ services: [SERVICE] });
    metrics.watchSummary(async () => ({ current: true, backlog: 0 }));
    const families = [...(await metrics.scrape()).matchAll(/^# HELP (prenatal_cds_\w+) /gm)].map((x) => x[1]!);
    expect(families.length).toBeGreaterThanOrEqual(12);
    const design = readFileSync(join(packageRoot(), 'docs', 'design.md'), 'utf8');
    expect(families.filter((f) => !design.includes(`\`${f}\``))).toEqual([]);
  });

  it("the service's background refresh: the woman of a hook call folded in is one fold transaction", async () => {
    const s = await composed({}, { refreshSummary: true });
    try {
      const res = await request(s.app).post(`/cds-services/${SERVICE}`).set('Content-Type', 'application/json').send(example);
      expect(res.status).toBe(200);
      // The next round comes within the refresh interval (5 s).
      const folds = async () => (await scrape(s.app)).get('prenatal_cds_qc_summary_transaction_seconds_count{kind="fold"}');
      await expect.poll(folds, { timeout: 20_000, interval: 200 }).toBe(1);
      expect(await s.c.store.sql.query('SELECT patient_id FROM qc_summary_dirty')).toEqual([]);
      const m = await scrape(s.app);
      expect([m.get('prenatal_cds_qc_summary_backlog'), m.get('prenatal_cds_qc_summary_current')]).toEqual([0, 1]);
      // Settings of another version: what an upgrade that rebuilds the summary finds.
      await s.c.store.sql.query("UPDATE qc_summary_state SET settings = 'an older version' WHERE id = 1");
      expect((await scrape(s.app)).get('prenatal_cds_qc_summary_current')).toBe(0);
    } finally {
      await s.c.close();
    }
  }, 30_000);
});

describe('/metrics: store errors and the auth-failure limit', () => {
  it('a store that cannot write counts record_hook_call failures', async () => {
    const h = buildHarness({
      env: { METRICS_TOKEN: TOKEN },
      deps: {
        recordHookCall: () => Promise.reject(new AppError('store-unavailable')),
      },
    });
    // The harness's own recordHookCall bypasses compose(): count through the same wrapper compose uses.
    const metrics = createMetrics({ services: h.deps.definitions.map((d) => d.id) });
    const store = countStoreErrors({ recordHookCall: h.deps.recordHookCall }, metrics);
    const app = createApp({ ...h.deps, metrics, recordHookCall: store.recordHookCall });
    await request(app)
      .post(`/cds-services/${SERVICE}`)
      .send({ hook: 'patient-view', hookInstance: 'h-1', context: { userId: 'Practitioner/pr-1', patientId: 'p-1' } })
      .expect(503);
    const m = await scrape(app, `Bearer ${TOKEN}`);
    expect(m.get('prenatal_cds_store_errors_total{operation="record_hook_call"}')).toBe(1);
    expect(m.get(`prenatal_cds_hook_calls_total{service="${SERVICE}",status="503"}`)).toBe(1);
  });

  it('failed authentications past AUTH_FAILURE_LIMIT_PER_MINUTE count as auth-failure rejections', async () => {
    const h = buildHarness({
      env: { METRICS_TOKEN: TOKEN, AUTH_FAILURE_LIMIT_PER_MINUTE: '1' },
      deps: {
        authenticate: () => Promise.reject(new AppError('unauthorized')),
      },
    });
    const call = () => request(h.app).post(`/cds-services/${SERVICE}`).send({});
    expect((await call()).status).toBe(401);
    expect((await call()).status).toBe(429);
    const m = await scrape(h.app, `Bearer ${TOKEN}`);
    expect(m.get('prenatal_cds_rate_limited_total{limiter="auth-failure"}')).toBe(1);
    expect(m.get('prenatal_cds_rate_limited_total{limiter="issuer"}')).toBe(0);
    expect(m.get(`prenatal_cds_hook_calls_total{service="${SERVICE}",status="401"}`)).toBe(1);
  });
});

describe('/metrics: where it is served', () => {
  it('development, neither token nor port: open on the service port', async () => {
    const h = buildHarness({ env: { PUBLIC_BASE_URL: '' } });
    await scrape(h.app);
  });

  it('production (PUBLIC_BASE_URL set, or NODE_ENV=production), neither token nor port: not served', async () => {
    expect((await request(buildHarness().app).get('/metrics')).status).toBe(404);
    expect((await request(buildHarness({ env: { PUBLIC_BASE_URL: '', NODE_ENV: 'production' } }).app).get('/metrics')).status).toBe(404);
  });

  it('METRICS_PORT: served on its own listener (with the token if set), not on the service port', async () => {
    const metrics = createMetrics({ services: [SERVICE] });
    const h = buildHarness({ env: { METRICS_PORT: '0', METRICS_TOKEN: TOKEN }, deps: { metrics } });
    expect((await request(h.app).get('/metrics')).status).toBe(404);
    const server = await listenMetrics(metrics, h.deps.config, h.deps.logger);
    expect(server).toBeDefined();
    try {
      const { address, port } = server!.server.address() as AddressInfo;
      expect(address).toBe('127.0.0.1');
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
      const ok = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('# TYPE prenatal_cds_hook_calls_total counter');
      expect((await fetch(`http://127.0.0.1:${port}/cds-services`)).status).toBe(404);
    } finally {
      await server!.drain();
    }
  });

  it('configuration errors name the variable and never echo the token', () => {
    const error = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        if (e instanceof ConfigError) return e.message;
      }
      return 'no error';
    };
    expect(error({ METRICS_TOKEN: 'short-secret' })).toMatch(/^METRICS_TOKEN: must be at least 16 characters/);
    expect(error({ METRICS_TOKEN: 'short-secret' })).not.toContain('short-secret');
    expect(error({ METRICS_TOKEN: 'a token with spaces in it' })).toMatch(/^METRICS_TOKEN: must be printable ASCII/);
    expect(error({ METRICS_PORT: '九〇九〇' })).toMatch(/^METRICS_PORT: must be a port number/);
    expect(error({ METRICS_PORT: '70000' })).toMatch(/^METRICS_PORT: must be a port number/);
    expect(error({ PORT: '9100', METRICS_PORT: '9100' })).toBe('METRICS_PORT: must differ from PORT');
    expect(loadConfig({ METRICS_PORT: '9464' })).toMatchObject({ metricsPort: 9464, metricsHost: '127.0.0.1', metricsToken: undefined });
  });
});
