import { canonicalJson } from '../canonical-json.js';
import { deepFreeze } from '../deep-freeze.js';
import type { RegistryStore } from '../orders/credential-records.js';

/** Answers kept (≈ a few hundred bytes to a few KB each): a province's institutions and physicians fit. */
export const REGISTRY_CACHE_ENTRIES = 20_000;

/**
 * On a PostgreSQL server: the longest an answer is kept, should a change notification be lost
 * without the listener's connection failing (docs/design.md#registry-cache).
 */
export const REGISTRY_CACHE_MAX_AGE_MS = 10_000;

type Reads = Pick<RegistryStore, 'practitioner' | 'organization' | 'findPractitioner' | 'findOrganization'>;

/** How to keep answers: at most `max`; each for at most `maxAgeMs` (unbounded when absent); `now` for tests. */
export interface RegistryCacheOptions {
  readonly max?: number;
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

/** A registry whose reads are kept; `forget` empties it, `serve(false)` sends every read to the store until `serve(true)`. */
export interface CachedRegistry extends RegistryStore {
  forget(): void;
  serve(on: boolean): void;
}

/**
 * The credential registry with its reads answered from memory after the first
 * (docs/design.md#registry-cache). Sound only while every change is seen:
 *
 * - on the embedded store this process is the registry's one writer (`DATA_DIR` is locked,
 *   docs/design.md#data-dir-lock), so an import can only come through `upsert` here, which empties
 *   the cache once it has committed (and when it fails: a commit whose answer was lost may still
 *   have happened);
 * - on a PostgreSQL server the CLI and other replicas write too: every import notifies
 *   (./registry-notifications.ts), the listener calls `forget`, and while it is not listening it
 *   turns the cache off (`serve(false)`); `maxAgeMs` bounds what a notification lost unnoticed
 *   could leave.
 *
 * Every answer is cached, "not found" and conflicts too, under its canonical arguments; a read that
 * throws is not, nor a read begun while the cache is off. Answers are frozen: callers share them.
 * Least recently used beyond `max`.
 */
export function cachedRegistry(inner: RegistryStore, options: RegistryCacheOptions = {}): CachedRegistry {
  const max = options.max ?? REGISTRY_CACHE_ENTRIES;
  const now = options.now ?? Date.now;
  const answers = new Map<string, { readonly answer: Promise<unknown>; readonly at: number }>();
  let serving = true;
  const remember =
    <A extends unknown[], R>(name: keyof Reads, read: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      if (!serving) return read(...args);
      const key = `${name}:${canonicalJson(args)}`;
      const hit = answers.get(key);
      answers.delete(key);
      if (hit !== undefined && (options.maxAgeMs === undefined || now() - hit.at < options.maxAgeMs)) {
        answers.set(key, hit);
        return hit.answer as Promise<R>;
      }
      const answer = read(...args).then(deepFreeze);
      const entry = { answer, at: now() };
      answers.set(key, entry);
      if (answers.size > max) answers.delete(answers.keys().next().value!);
      // A failed read is asked again next time.
      answer.catch(() => {
        if (answers.get(key) === entry) answers.delete(key);
      });
      return answer;
    };
  return {
    forget: () => answers.clear(),
    serve(on) {
      serving = on;
      answers.clear();
    },
    practitioner: remember('practitioner', (id: string) => inner.practitioner(id)),
    organization: remember('organization', (id: string) => inner.organization(id)),
    findPractitioner: remember('findPractitioner', (keys: Parameters<RegistryStore['findPractitioner']>[0]) =>
      inner.findPractitioner(keys),
    ),
    findOrganization: remember('findOrganization', (keys: Parameters<RegistryStore['findOrganization']>[0]) =>
      inner.findOrganization(keys),
    ),
    list: () => inner.list(),
    async upsert(batch) {
      try {
        return await inner.upsert(batch);
      } finally {
        answers.clear();
      }
    },
  };
}
