import { authOffWarning } from './auth/authenticator.js';
import type { Composition } from './compose.js';
import { ConfigError, loadConfig } from './config/load.js';
import { loadTlsCredentials, type TlsCredentials } from './config/tls-config.js';
import { storeOpenProblem } from './config/startup-problem.js';
import { createHttpServer } from './http/http-server.js';
import { createLogger } from './log.js';
import { createStore } from './store/create-store.js';

/** Drain bound: in-flight requests get this long on SIGTERM/SIGINT before the process exits 1 anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

/** Entry point: read the environment once, open the store, compose the deps, listen. `app.ts` never listens. */
async function main(): Promise<void> {
  let config;
  let tls: TlsCredentials | undefined;
  try {
    config = loadConfig(process.env);
    // TLS_CERT_FILE / TLS_KEY_FILE read and checked before anything opens (docs/design.md#tls).
    tls = config.tls ? loadTlsCredentials(config.tls) : undefined;
  } catch (e) {
    if (e instanceof ConfigError) {
      // One line per problem, each naming the variable (docs/policy.md#startup-errors).
      for (const problem of e.problems) console.error(`prenatal-cds: configuration error: ${problem}`);
      process.exit(1);
    }
    throw e;
  }
  const logger = createLogger(config);
  if (config.authMode === 'off') {
    const banner = authOffWarning();
    console.warn(`\n${'!'.repeat(100)}\n!!! ${banner}\n${'!'.repeat(100)}\n`);
    logger.warn({ authMode: 'off' }, banner);
  }
  // The store starts opening first: PGlite's start waits on files and WebAssembly, time in which
  // the HTTP modules load (imported only now). Its failure is awaited, and reported, in compose().
  const store = createStore(config);
  store.catch(() => undefined);
  const [{ compose }, { createApp }, { listenMetrics }] = await Promise.all([
    import('./compose.js'),
    import('./app.js'),
    import('./http/metrics-route.js'),
  ]);
  try {
    await store;
  } catch (err) {
    // One line naming DATABASE_URL (password as ***) or DATA_DIR and the cause's code (docs/policy.md#startup-errors).
    const problem = storeOpenProblem(config, err);
    console.error(`prenatal-cds: ${problem}`);
    logger.fatal({ problem }, 'cannot open the audit store');
    process.exit(1);
  }
  let composition: Composition;
  try {
    composition = await compose(config, logger, { store, refreshSummary: true });
  } catch (err) {
    logger.fatal({ err }, 'cannot open the audit store');
    process.exit(1);
  }
  const http = createHttpServer(
    createApp(composition.deps),
    {
      headersTimeoutMs: config.httpHeadersTimeoutMs,
      requestTimeoutMs: config.httpRequestTimeoutMs,
      keepAliveTimeoutMs: config.httpKeepAliveTimeoutMs,
    },
    tls,
  );
  try {
    await http.listen(config.port, config.host);
  } catch (err) {
    logger.fatal({ err }, 'cannot listen');
    process.exit(1);
  }
  // METRICS_PORT: `/metrics` on a listener of its own (docs/design.md#metrics).
  const metrics = composition.deps.metrics;
  const metricsHttp = metrics
    ? await listenMetrics(metrics, config, logger, tls).catch((err: unknown) => {
        logger.fatal({ err, host: config.metricsHost, port: config.metricsPort }, 'cannot listen for /metrics (METRICS_PORT)');
        process.exit(1);
      })
    : undefined;
  logger.info(
    { host: config.host, port: config.port, tls: tls !== undefined, publicBaseUrl: config.publicBaseUrl, authMode: config.authMode },
    'prenatal-cds listening',
  );
  let closing = false;
  // Stop accepting, close idle keep-alive connections, answer what is in flight with
  // `Connection: close` (src/http/http-server.ts), then close the store and exit 0.
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    logger.info({ signal, inFlight: http.inFlight }, 'shutting down: draining in-flight requests');
    metricsHttp?.drain().catch(() => undefined);
    setTimeout(() => {
      logger.warn({ inFlight: http.inFlight }, 'in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    http.drain().then(
      () =>
        composition.close().then(
          () => process.exit(0),
          (closeErr: unknown) => {
            logger.error({ err: closeErr }, 'error while closing the store');
            process.exit(1);
          },
        ),
      (err: unknown) => {
        logger.error({ err }, 'error while closing the server');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

void main();
