import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { TlsCredentials } from '../config/tls-config.js';
import { AppError } from '../errors/app-error.js';
import type { Metrics } from '../metrics/metrics.js';
import { errorHandler, methodNotAllowed, notFound } from './errors.js';
import { createHttpServer, type HttpServer } from './http-server.js';

/**
 * `GET /metrics` (docs/design.md#metrics), Prometheus text format. Where it is served:
 * - METRICS_PORT set: on its own listener (METRICS_HOST, default 127.0.0.1), not on the service port;
 * - else METRICS_TOKEN set: on the service port;
 * - else on the service port in development only (open); not at all in production.
 * With METRICS_TOKEN, wherever it is served, the scrape must send `Authorization: Bearer <token>`,
 * compared in constant time (SHA-256 of both sides, `timingSafeEqual`) like the QC tokens; the token is
 * never logged and a 401 says nothing.
 */
export type MetricsConfig = Pick<Config, 'metricsToken' | 'metricsPort' | 'metricsHost' | 'metricsProduction'>;

/** Whether the service port serves `/metrics`. */
export function metricsOnServicePort(config: MetricsConfig): boolean {
  if (config.metricsPort !== undefined) return false;
  return config.metricsToken !== undefined || !config.metricsProduction;
}

const BEARER = /^Bearer ([\x21-\x7e]{1,4096})$/i;
const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** The scrape handler; with a token, 401 `unauthorized` unless the bearer token matches. */
export function metricsHandler(metrics: Metrics, token: string | undefined): RequestHandler {
  const expected = token === undefined ? undefined : digest(token);
  return async (req, res) => {
    if (expected) {
      const m = BEARER.exec(req.headers.authorization?.trim() ?? '');
      const presented = digest(m?.[1] ?? '');
      if (!m || !timingSafeEqual(expected, presented)) throw new AppError('unauthorized', [{ message: 'metrics token missing or wrong' }]);
    }
    const text = await metrics.scrape();
    res.status(200).setHeader('Cache-Control', 'no-store').type(metrics.contentType).send(text);
  };
}

/** The app of the METRICS_PORT listener: `/metrics` and nothing else. */
export function metricsApp(metrics: Metrics, config: MetricsConfig, logger: Logger): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.get('/metrics', metricsHandler(metrics, config.metricsToken));
  app.all('/metrics', methodNotAllowed(['GET', 'HEAD']));
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}

/**
 * Starts the METRICS_PORT listener if configured (src/main.ts); `undefined` otherwise. With `tls`
 * (TLS_CERT_FILE / TLS_KEY_FILE) it speaks HTTPS like the service port (docs/design.md#tls).
 */
export async function listenMetrics(
  metrics: Metrics,
  config: MetricsConfig & Pick<Config, 'httpHeadersTimeoutMs' | 'httpRequestTimeoutMs' | 'httpKeepAliveTimeoutMs'>,
  logger: Logger,
  tls?: TlsCredentials,
): Promise<HttpServer | undefined> {
  if (config.metricsPort === undefined) return undefined;
  const server = createHttpServer(
    metricsApp(metrics, config, logger),
    {
      headersTimeoutMs: config.httpHeadersTimeoutMs,
      requestTimeoutMs: config.httpRequestTimeoutMs,
      keepAliveTimeoutMs: config.httpKeepAliveTimeoutMs,
    },
    tls,
  );
  await server.listen(config.metricsPort, config.metricsHost);
  return server;
}
