import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { ALL_RULE_IDS } from '../engine/rule-ids.js';
import type { ServiceResult } from '../engine/service.js';
import { ERRORS } from '../errors/catalogue.js';
import type { FhirFailureReason } from '../fhir/response-guard.js';
import type { SummaryStatus } from '../store/compliance-summary.js';
import { counterFamily, histogramFamily, type CounterFamily, type CounterSlot, type HistogramSlot } from './slots.js';

/**
 * The service's Prometheus metrics (docs/design.md#metrics): one registry per app (no global
 * default registry), every label set of a hook call created up front so that counting a call is a
 * few property increments. Process metrics (prom-client's defaults) join the registry at the first
 * scrape: they install a GC observer and an event-loop monitor that an app nobody scrapes (a test)
 * does not need.
 */

/** Stages of a hook call timed in `prenatal_cds_hook_stage_seconds`. */
export const STAGES = ['fhir_fetch', 'rules', 'store_commit', 'total'] as const;
export type Stage = (typeof STAGES)[number];

/** Bucket bounds (seconds) for millisecond-scale latencies: 1 ms … 5 s. */
export const STAGE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

/** Which limit refused a request: the per-issuer limit or the per-address failed-authentication limit. */
export type RateLimiterName = 'issuer' | 'auth-failure';

/** Every kind of FHIR read failure the fetch layer tells apart (src/fhir/response-guard.ts). */
const FHIR_FAILURE_KINDS: Record<FhirFailureReason, true> = {
  'http-status': true,
  timeout: true,
  aborted: true,
  network: true,
  'truncated-body': true,
  'too-large': true,
  'malformed-json': true,
  'not-fhir': true,
  'malformed-resource': true,
  'operation-outcome': true,
  'blocked-url': true,
  'invalid-fhir-server': true,
};

/** The instruments of one CDS service, created with the app. */
export interface ServiceMetrics {
  readonly stage: Readonly<Record<Stage, HistogramSlot>>;
  /** The counter slot of a call answered with `status`. */
  calls(status: number): CounterSlot;
}

export interface Metrics {
  readonly registry: Registry;
  /** The instruments of a service, `undefined` for an id that is not a service. */
  service(id: string): ServiceMetrics | undefined;
  /** Counts the findings, undecided outcomes and rule errors of a call, by rule. */
  outcomes(result: Pick<ServiceResult, 'cards' | 'undecided' | 'ruleErrors'>): void;
  fhirFailure(kind: FhirFailureReason): void;
  /** The slot of store failures (`store-unavailable`) of one store operation. */
  storeErrors(operation: string): CounterSlot;
  rateLimited(limiter: RateLimiterName): void;
  qcRequest(route: string, status: number): void;
  /** Times one transaction of the compliance summary's background refresh (`fold` or `mark`). */
  summaryTransaction(kind: 'fold' | 'mark', seconds: number): void;
  /**
   * Reports the compliance summary's state, read with `status` just before each scrape (one count):
   * the women waiting to be folded in, and whether the summary is of today's report settings. Only
   * a process that refreshes the summary calls it; a failed read gives NaN and a store error
   * (`qc-summary-status`), never a failed scrape.
   */
  watchSummary(status: () => Promise<SummaryStatus>): void;
  /** The exposition text (Prometheus text format 0.0.4). */
  scrape(): Promise<string>;
  readonly contentType: string;
}

/** Statuses a hook call can be answered with: counted from zero before the first call. */
const CALL_STATUSES = [200, ...new Set(Object.values(ERRORS).map((e) => e.status))];

/** `slot(value)` for a one-label family, remembered per value. */
function byValue<K>(family: CounterFamily, label: string, make: (k: K) => string = String): (k: K) => CounterSlot {
  const slots = new Map<K, CounterSlot>();
  return (k) => {
    let s = slots.get(k);
    if (!s) {
      s = family.slot({ [label]: make(k) });
      slots.set(k, s);
    }
    return s;
  };
}

export function createMetrics(opts: { readonly services: readonly string[] }): Metrics {
  const registry = new Registry();
  const p = 'prenatal_cds_';
  const calls = counterFamily(registry, `${p}hook_calls_total`, 'Hook calls answered, by service and HTTP status.', ['service', 'status']);
  const stages = histogramFamily(
    registry,
    `${p}hook_stage_seconds`,
    'Hook call latency by stage: fhir_fetch (snapshot from prefetch and FHIR reads), rules, store_commit, total (request in to answer out).',
    ['service', 'stage'],
    STAGE_BUCKETS,
  );
  const rule = (name: string, help: string) => byValue<string>(counterFamily(registry, `${p}${name}`, help, ['rule']), 'rule');
  const findings = rule('findings_total', 'Findings of audited hook calls, by rule.');
  const undecided = rule('undecided_total', 'Undecided outcomes (insufficient data) of audited hook calls, by rule.');
  const ruleErrors = rule('rule_errors_total', 'Rules that threw during audited hook calls, by rule.');
  for (const id of ALL_RULE_IDS) [findings, undecided, ruleErrors].forEach((f) => f(id));
  const fhir = byValue<string>(
    counterFamily(registry, `${p}fhir_fetch_failures_total`, 'FHIR reads that failed, by kind.', ['kind']),
    'kind',
  );
  for (const kind of Object.keys(FHIR_FAILURE_KINDS)) fhir(kind);
  const store = byValue<string>(
    counterFamily(registry, `${p}store_errors_total`, 'Store operations that failed (store unavailable), by operation.', ['operation']),
    'operation',
  );
  const limited = byValue<RateLimiterName>(
    counterFamily(registry, `${p}rate_limited_total`, 'Requests refused 429 by a rate limit, by limiter (issuer, auth-failure).', [
      'limiter',
    ]),
    'limiter',
  );
  limited('issuer');
  limited('auth-failure');
  const summary = histogramFamily(
    registry,
    `${p}qc_summary_transaction_seconds`,
    'Transactions of the compliance summary refresh, by kind: fold (women folded in) or mark (a chunk of a rebuild). On the embedded store each holds every hook call.',
    ['kind'],
    STAGE_BUCKETS,
  );
  const summaryKinds = { fold: summary.slot({ kind: 'fold' }), mark: summary.slot({ kind: 'mark' }) };
  const qcFamily = counterFamily(registry, `${p}qc_requests_total`, 'QC API requests, by route and HTTP status.', ['route', 'status']);
  const qc = new Map<string, (status: number) => CounterSlot>();

  const services = new Map<string, ServiceMetrics>();
  for (const service of opts.services) {
    const stage = Object.fromEntries(STAGES.map((s) => [s, stages.slot({ service, stage: s })])) as Record<Stage, HistogramSlot>;
    const call = byValue<number>({ slot: (labels) => calls.slot({ service, status: labels['status'] ?? '' }) }, 'status');
    for (const status of CALL_STATUSES) call(status);
    services.set(service, { stage, calls: call });
  }

  let processMetrics = false;
  /** Sets the summary gauges from one read of the store (`watchSummary`), before each scrape. */
  let summaryState: (() => Promise<void>) | undefined;
  return {
    registry,
    contentType: registry.contentType,
    service: (id) => services.get(id),
    outcomes(result) {
      for (const card of result.cards) {
        for (const f of card.findings) findings(f.rule).inc();
        for (const u of card.undecided) undecided(u.rule).inc();
      }
      for (const u of result.undecided) undecided(u.rule).inc();
      for (const e of result.ruleErrors) ruleErrors(e.rule).inc();
    },
    fhirFailure: (kind) => fhir(kind).inc(),
    storeErrors: (operation) => store(operation),
    rateLimited: (limiter) => limited(limiter).inc(),
    summaryTransaction: (kind, seconds) => summaryKinds[kind].observe(seconds),
    watchSummary(status) {
      if (summaryState) throw new Error('the compliance summary is already watched');
      const storeError = store('qc-summary-status');
      const backlog = new Gauge({
        name: `${p}qc_summary_backlog`,
        help: 'Women whose compliance summary facts wait to be folded in, read at scrape. After an upgrade that rebuilds the summary it counts down to 0; QC reports read rows until it does.',
        registers: [registry],
      });
      const current = new Gauge({
        name: `${p}qc_summary_current`,
        help: "1 when the stored compliance summary is of this process's report settings, 0 while a rebuild has not marked every woman yet.",
        registers: [registry],
      });
      // Read before the registry is written out, so a failed read's store error is in the same scrape.
      summaryState = async () => {
        const state = await status().catch(() => {
          storeError.inc();
          return undefined;
        });
        backlog.set(state?.backlog ?? Number.NaN);
        current.set(state === undefined ? Number.NaN : state.current ? 1 : 0);
      };
    },
    qcRequest(route, status) {
      let byStatus = qc.get(route);
      if (!byStatus) {
        byStatus = byValue<number>({ slot: (labels) => qcFamily.slot({ route, status: labels['status'] ?? '' }) }, 'status');
        qc.set(route, byStatus);
      }
      byStatus(status).inc();
    },
    async scrape() {
      if (!processMetrics) {
        processMetrics = true;
        collectDefaultMetrics({ register: registry });
      }
      await summaryState?.();
      return registry.metrics();
    },
  };
}
