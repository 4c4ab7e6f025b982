import type { Server } from 'node:http';
import { createApp } from './app.js';
import { createAuthenticator } from './auth/authenticator.js';
import { loadServiceDefinitions } from './cds-hooks/service-definitions.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config/load.js';
import { createSnapshotLoader } from './fhir/load-snapshot.js';
import { createLogger } from './log.js';
import type { AppDeps } from './ports.js';
import { randomUUID } from 'node:crypto';
import { MemoryRegistryStore } from './registry/memory-registry-store.js';
import { createServices } from './services/index.js';
import { MemoryFeedbackStore, MemoryNoticeStore } from './store/memory-stores.js';

/** Grace period for in-flight requests on SIGTERM/SIGINT before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

/** Entry point: read the environment once, build the deps, listen. `app.ts` never listens. */
function main(): void {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`prenatal-cds: configuration error: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  const logger = createLogger(config);
  if (config.authMode === 'off') {
    const banner = 'AUTH_MODE=off: JWT authentication is DISABLED. Any caller can invoke the services. Development only — never expose this instance.';
    console.warn(`\n${'!'.repeat(100)}\n!!! ${banner}\n${'!'.repeat(100)}\n`);
    logger.warn({ authMode: 'off' }, banner);
  }
  const deps: AppDeps = {
    config,
    clock: systemClock(config.clinicTimeZone),
    logger,
    definitions: loadServiceDefinitions(),
    authenticate: createAuthenticator(config, { logger }),
    loadSnapshot: createSnapshotLoader({ timeoutMs: config.fhirTimeoutMs, maxPages: config.fhirMaxPages, logger }),
    services: createServices({ policy: config.policy, locale: config.locale, newId: randomUUID, publicBaseUrl: config.publicBaseUrl, registry: new MemoryRegistryStore() }),
    notices: new MemoryNoticeStore(),
    feedback: new MemoryFeedbackStore(),
  };
  const app = createApp(deps);
  const server: Server = app.listen(config.port, config.host, (err?: Error) => {
    if (err) {
      logger.fatal({ err }, 'cannot listen');
      process.exit(1);
    }
    logger.info({ host: config.host, port: config.port, publicBaseUrl: config.publicBaseUrl, authMode: config.authMode }, 'prenatal-cds listening');
  });
  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    server.close((err) => {
      if (err) logger.error({ err }, 'error while closing');
      process.exit(err ? 1 : 0);
    });
    server.closeIdleConnections();
    setTimeout(() => {
      logger.warn('in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main();
