import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceId } from '../../../src/engine/rule.js';
import { ERROR_CODE_SYSTEM, isErrorCode } from '../../../src/errors/catalogue.js';
import { createSnapshotLoader } from '../../../src/fhir/load-snapshot.js';
import { createLogger } from '../../../src/log.js';
import { packageRoot } from '../../../src/package-root.js';
import { MemoryRegistryStore } from '../../../src/registry/memory-registry-store.js';
import { createServices } from '../../../src/services.js';
import { loadConfig } from '../../../src/config/load.js';
import type { AppDeps } from '../../../src/ports.js';
import { buildHarness, PUBLIC_BASE_URL, type Harness } from '../../support/app-fixture.js';

/**
 * The app with the **real** services (createServices, real policy, in-memory registry) and the real
 * snapshot loader, through buildHarness (auth off, in-memory stores, fixed clock).
 */
export function buildRealHarness(
  overrides: Record<string, string> = {},
  deps: Partial<Omit<AppDeps, 'services' | 'loadSnapshot'>> = {},
): Harness {
  const env = { LOG_LEVEL: 'error', ...overrides };
  const config = loadConfig({ AUTH_MODE: 'off', PUBLIC_BASE_URL, ...env });
  const services = createServices({
    policy: config.policy,
    locale: config.locale,
    newId: randomUUID,
    publicBaseUrl: PUBLIC_BASE_URL,
    registry: new MemoryRegistryStore(),
  });
  const silent = createLogger({ logLevel: 'silent' });
  return buildHarness({
    env,
    services,
    deps: {
      ...deps,
      loadSnapshot: createSnapshotLoader({ timeoutMs: config.fhirTimeoutMs, maxPages: config.fhirMaxPages, logger: silent }),
    },
  });
}

/** A mutable deep copy of the shipped example request of a service. */
export function exampleRequest(
  id: ServiceId,
): Record<string, unknown> & { prefetch: Record<string, unknown>; context: Record<string, unknown> } {
  return JSON.parse(readFileSync(join(packageRoot(), 'cds-hooks', 'examples', `${id}.json`), 'utf8')) as ReturnType<typeof exampleRequest>;
}

/** The catalogue code of an OperationOutcome body, or `undefined` if it is not one. */
export function outcomeCode(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const o = body as { resourceType?: unknown; issue?: { details?: { coding?: { system?: string; code?: string }[] } }[] };
  if (o.resourceType !== 'OperationOutcome' || !Array.isArray(o.issue) || o.issue.length === 0) return undefined;
  const coding = o.issue[0]?.details?.coding?.[0];
  if (coding?.system !== ERROR_CODE_SYSTEM || typeof coding.code !== 'string' || !isErrorCode(coding.code)) return undefined;
  return coding.code;
}
