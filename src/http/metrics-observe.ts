import type { Metrics, RateLimiterName } from '../metrics/metrics.js';
import type { EhrCallGate } from './auth-failure-limit.js';
import type { KeyedLimit, LimitDecision } from './rate-limit.js';
import type { RequestLogLocals, RequestObserver } from './request-log.js';

/** Status counted for a request whose client went away before the answer was sent (nginx's 499). */
export const CLIENT_CLOSED_STATUS = 499;

/**
 * Counts each request as it ends (docs/design.md#metrics): a hook call (`POST /cds-services/{id}`
 * of a known service) by service and status, with its total latency; a QC API request by route
 * pattern (never the raw path: bounded labels) and status. Runs in src/http/request-log.ts.
 */
export function observeRequests(metrics: Metrics): RequestObserver {
  return (req, res, seconds) => {
    const pattern: unknown = (req.route as { path?: unknown } | undefined)?.path;
    if (typeof pattern !== 'string') return;
    const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED_STATUS;
    if (pattern === '/cds-services/:id') {
      const service = metrics.service((res.locals as RequestLogLocals).serviceId ?? '');
      if (!service) return;
      service.calls(status).inc();
      service.stage.total.observe(seconds);
    } else if (pattern.startsWith('/qc/')) metrics.qcRequest(pattern, status);
  };
}

/** The limit with every refusal counted under `limiter`. */
function counted(limit: KeyedLimit, metrics: Metrics, limiter: RateLimiterName): KeyedLimit {
  const note = (decision: LimitDecision): LimitDecision => {
    if (!decision.admitted) metrics.rateLimited(limiter);
    return decision;
  };
  return { admit: (key) => limit.admit(key).then(note) };
}

/** The gate with the refusals of both its limits counted (`prenatal_cds_rate_limited_total{limiter}`). */
export function countRefusals(gate: EhrCallGate, metrics: Metrics): EhrCallGate {
  return {
    authenticate: gate.authenticate,
    issuers: counted(gate.issuers, metrics, 'issuer'),
    failures: counted(gate.failures, metrics, 'auth-failure'),
  };
}
