import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { createAuthenticator } from './auth/authenticator.js';
import { loadServiceDefinitions } from './cds-hooks/service-definitions.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config/schema.js';
import { createSnapshotLoader } from './fhir/load-snapshot.js';
import { createMetrics } from './metrics/metrics.js';
import { countStoreErrors } from './metrics/store-errors.js';
import type { AppDeps } from './ports.js';
import { createServices } from './services.js';
import { createStore, type OpenedStore } from './store/create-store.js';
import { createSqlRateCounters } from './store/rate-limit-counters.js';
import { keptRegistry } from './store/kept-registry.js';
import { createSqlRegistryStore } from './store/sql-registry-store.js';
import { NOTICE_ID_SECRET } from './store/reuse-cache.js';
import { PGLITE_SUMMARY_BATCH, SUMMARY_BATCH } from './store/compliance-summary.js';
import { startSummaryRefresher } from './store/summary-refresher.js';
import { configuredReportSettings } from './qc/report-settings.js';

export interface Composition {
  readonly deps: AppDeps;
  readonly store: OpenedStore;
  close(): Promise<void>;
}

/**
 * The composition root: opens (and migrates) the store, then builds every port from explicit
 * dependencies. The JWT replay cache lives in the store on either engine: it survives a restart,
 * and several replicas on one PostgreSQL server share it.
 */
export async function compose(
  config: Config,
  logger: Logger,
  opts: {
    clock?: Clock;
    newId?: () => string;
    store?: Promise<OpenedStore>;
    /** Fold the audit into the compliance summary in the background (the server: docs/design.md#qc-summary). */
    refreshSummary?: boolean;
  } = {},
): Promise<Composition> {
  // `opts.store`: a store already opening (src/main.ts starts it before loading the HTTP modules).
  const store = await (opts.store ?? createStore(config));
  const clock = opts.clock ?? systemClock(config.clinicTimeZone);
  const { registry, stopListening } = keptRegistry(createSqlRegistryStore(store.sql), {
    engine: store.engine,
    databaseUrl: config.databaseUrl,
    connectTimeoutMs: config.dbConnectTimeoutMs,
    logger,
  });
  const definitions = loadServiceDefinitions();
  // The app's metrics (docs/design.md#metrics): FHIR read failures and store failures count in them too.
  const metrics = createMetrics({ services: definitions.map((d) => d.id) });
  const audit = countStoreErrors(store.audit, metrics);
  const deps: AppDeps = {
    config,
    clock,
    logger,
    definitions,
    authenticate: createAuthenticator(config, { logger, replayTable: audit }),
    loadSnapshot: createSnapshotLoader({
      timeoutMs: config.fhirTimeoutMs,
      maxPages: config.fhirMaxPages,
      maxBytes: config.fhirMaxBytes,
      maxReplyBytes: config.fhirMaxReplyBytes,
      policy: config.policy,
      logger,
      onFetchFailure: (kind) => metrics.fhirFailure(kind),
    }),
    services: createServices({
      policy: config.policy,
      locale: config.locale,
      newId: opts.newId ?? randomUUID,
      publicBaseUrl: config.publicBaseUrl,
      noticeLinkDays: config.noticeLinkDays,
      production: config.publicBaseUrlSet,
      ...(config.mrnSystem ? { mrnSystem: config.mrnSystem } : {}),
      registry,
      storedNotice: (id) => audit.get(id),
      // One key for every replica and restart: a repeated call derives the same notice id (docs/design.md#notice-reuse).
      noticeIdKey: await audit.storedSecret(NOTICE_ID_SECRET),
    }),
    notices: audit,
    feedback: audit,
    recordHookCall: async (rec) => {
      await audit.recordHookCall(rec);
    },
    audit,
    registry,
    ready: () => store.ready(),
    metrics,
    // Replicas share one PostgreSQL server: their rate limits count there (docs/design.md#scale-out).
    ...(store.engine === 'postgres' ? { rateCounters: createSqlRateCounters(store.sql) } : {}),
  };
  if (store.lockTakenOver) {
    const { pid, hostname, command, startedAt } = store.lockTakenOver;
    logger.warn({ pid, hostname, command, startedAt }, 'DATA_DIR lock taken over: its process no longer runs');
  }
  logger.info({ engine: store.engine, schemaVersion: store.migration.version, applied: store.migration.applied.length }, 'store ready');
  const summarySettings = configuredReportSettings(config, clock.now().today);
  const refresher = opts.refreshSummary
    ? startSummaryRefresher(audit, summarySettings, {
        logger,
        batch: store.engine === 'postgres' ? SUMMARY_BATCH : PGLITE_SUMMARY_BATCH,
        onTransaction: (t) => metrics.summaryTransaction(t.kind, t.ms / 1000),
      })
    : undefined;
  // Its progress for operators: an upgrade that rebuilds the summary counts down on /metrics.
  if (refresher) metrics.watchSummary(() => audit.summaryStatus(summarySettings));
  return {
    deps,
    store,
    close: async () => {
      await refresher?.stop();
      await stopListening();
      await store.close();
    },
  };
}
