import express from 'express';
import { buildDiscovery } from './cds-hooks/discovery.js';
import { discoveryHandler } from './http/discovery-route.js';
import { errorHandler, methodNotAllowed, notFound } from './http/errors.js';
import { feedbackHandler } from './http/feedback-route.js';
import { requestLog } from './http/request-log.js';
import { cors } from './http/cors.js';
import { serviceCallHandler } from './http/service-route.js';
import { createEhrCallGate } from './http/auth-failure-limit.js';
import { createSharedEhrCallGate } from './http/shared-rate-limit.js';
import { noticePageHandler } from './http/notice-route.js';
import { acknowledgementHandler } from './http/acknowledgement-route.js';
import { qcRouter } from './http/qc-routes.js';
import { qcDashboardRouter } from './http/qc-dashboard.js';
import { healthzHandler, readyzHandler } from './http/health-routes.js';
import { AppError } from './errors/app-error.js';
import { countRefusals, observeRequests } from './http/metrics-observe.js';
import { metricsHandler, metricsOnServicePort } from './http/metrics-route.js';
import { createMetrics } from './metrics/metrics.js';
import type { AppDeps } from './ports.js';
import type { ServiceDefinition } from './cds-hooks/wire.js';

/**
 * Builds the HTTP app from explicit dependencies; never listens (main.ts does; tests use
 * supertest). Routes (https://cds-hooks.hl7.org/2.0/#discovery): discovery, service call, feedback.
 */
export function createApp(deps: AppDeps): express.Express {
  const defs = new Map<string, ServiceDefinition>(deps.definitions.map((d) => [d.id, d]));
  for (const d of deps.definitions) {
    if (typeof deps.services[d.id] !== 'function') throw new Error(`no handler for service ${d.id}`);
  }
  // One metrics registry per app (docs/design.md#metrics): compose() makes it, so FHIR reads and the store count in it too.
  const metrics = deps.metrics ?? createMetrics({ services: deps.definitions.map((d) => d.id) });
  deps = { ...deps, metrics };
  // EHR calls are authenticated from their headers before the body is read. RATE_LIMIT_PER_MINUTE: one
  // bucket per verified issuer; AUTH_FAILURE_LIMIT_PER_MINUTE: one per client address, for failures.
  // With shared counters (replicas on PostgreSQL) both limits hold across replicas (docs/design.md#scale-out).
  const limits = deps.rateCounters
    ? createSharedEhrCallGate({ ...deps, counters: deps.rateCounters, nowMs: () => Date.parse(deps.clock.now().instant) })
    : createEhrCallGate({ authenticate: deps.authenticate, config: deps.config, nowMs: () => performance.now() });
  const gate = countRefusals(limits, metrics);
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  // TRUST_PROXY: whose X-Forwarded-For / -Proto decide req.ip (the failure limit, notice views) and req.protocol (docs/design.md#trust-proxy).
  app.set('trust proxy', deps.config.trustProxy);
  app.use(requestLog(deps.logger, observeRequests(metrics)));

  app.get('/healthz', healthzHandler);
  app.get('/readyz', readyzHandler(deps.ready));
  if (metricsOnServicePort(deps.config)) {
    app.get('/metrics', metricsHandler(metrics, deps.config.metricsToken));
    app.all('/metrics', methodNotAllowed(['GET', 'HEAD']));
  }

  app.use('/cds-services', cors());

  app.get('/cds-services', discoveryHandler(buildDiscovery(deps.definitions)));
  app.all('/cds-services', methodNotAllowed(['GET', 'HEAD']));

  app.post('/cds-services/:id', serviceCallHandler(deps, defs, gate));
  app.all('/cds-services/:id', knownOnly(defs, ['POST']));

  app.post('/cds-services/:id/feedback', feedbackHandler(deps, defs, gate));
  app.all('/cds-services/:id/feedback', knownOnly(defs, ['POST']));

  app.get('/notices/:noticeId', noticePageHandler({ ...deps, failures: gate.failures }));
  app.all('/notices/:noticeId', methodNotAllowed(['GET', 'HEAD']));

  if (deps.audit) {
    const withAudit = { ...deps, audit: deps.audit };
    app.post('/notices/:noticeId/acknowledgement', acknowledgementHandler(withAudit, gate));
    app.all('/notices/:noticeId/acknowledgement', methodNotAllowed(['POST']));
    app.use(qcRouter(withAudit));
  }

  app.use('/qc', qcDashboardRouter());

  app.use(notFound);
  app.use(errorHandler(deps.logger, () => Date.parse(deps.clock.now().instant)));
  return app;
}

/** 405 on a known service path with the wrong method; 404 `unknown-service` otherwise. */
function knownOnly(defs: ReadonlyMap<string, ServiceDefinition>, allow: readonly string[]): express.RequestHandler {
  const notAllowed = methodNotAllowed(allow);
  return (req, res, next) => {
    const id = req.params.id;
    if (typeof id !== 'string' || !defs.has(id)) throw new AppError('unknown-service');
    notAllowed(req, res, next);
  };
}
