import type { Logger } from 'pino';
import type { RegistryStore } from '../orders/credential-records.js';
import type { OpenedStore } from './create-store.js';
import { cachedRegistry, REGISTRY_CACHE_MAX_AGE_MS, type CachedRegistry } from './registry-cache.js';
import { listenForRegistryChanges } from './registry-notifications.js';

export interface KeptRegistryOptions {
  readonly engine: OpenedStore['engine'];
  /** The server's URL (`DATABASE_URL`) when `engine` is `postgres`. */
  readonly databaseUrl: string | undefined;
  readonly connectTimeoutMs: number;
  readonly logger: Pick<Logger, 'info' | 'warn'>;
  /** Between two attempts to listen again, ms (./registry-notifications.ts's default when absent). */
  readonly relistenDelayMs?: number;
}

/**
 * The registry with its reads kept in memory (docs/design.md#registry-cache). Embedded store: this
 * process is its one writer and empties the cache on its own imports. PostgreSQL: the CLI and other
 * replicas import too, so the cache serves only while this process listens for their notifications,
 * is emptied by each, and keeps an answer at most REGISTRY_CACHE_MAX_AGE_MS. `stopListening` ends
 * the listener's connection (the composition's close).
 */
export function keptRegistry(
  inner: RegistryStore,
  o: KeptRegistryOptions,
): { registry: CachedRegistry; stopListening: () => Promise<void> } {
  if (o.engine === 'pglite') return { registry: cachedRegistry(inner), stopListening: async () => undefined };
  if (o.databaseUrl === undefined) {
    // A server this process cannot listen to: nothing is kept.
    const uncached = cachedRegistry(inner);
    uncached.serve(false);
    return { registry: uncached, stopListening: async () => undefined };
  }
  const registry = cachedRegistry(inner, { maxAgeMs: REGISTRY_CACHE_MAX_AGE_MS });
  registry.serve(false);
  let wasLost = false;
  const listener = listenForRegistryChanges(
    o.databaseUrl,
    {
      onListening: () => {
        registry.serve(true);
        if (wasLost) o.logger.info('registry change notifications heard again: registry reads kept again');
        wasLost = false;
      },
      onChange: () => registry.forget(),
      onLost: (err) => {
        registry.serve(false);
        if (!wasLost) {
          o.logger.warn(
            { err: err.message },
            'registry change notifications lost: every registry read goes to the database until they are heard again',
          );
        }
        wasLost = true;
      },
    },
    { connectTimeoutMs: o.connectTimeoutMs, ...(o.relistenDelayMs === undefined ? {} : { relistenDelayMs: o.relistenDelayMs }) },
  );
  return { registry, stopListening: () => listener.close() };
}
