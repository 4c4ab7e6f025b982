import { canonicalJson } from '../canonical-json.js';
import { deepFreeze } from '../deep-freeze.js';
import type { RegistryStore } from '../orders/credential-records.js';

/** Answers kept (≈ a few hundred bytes to a few KB each): a province's institutions and physicians fit. */
export const REGISTRY_CACHE_ENTRIES = 20_000;

type Reads = Pick<RegistryStore, 'practitioner' | 'organization' | 'findPractitioner' | 'findOrganization'>;

/**
 * The credential registry of the embedded store, its reads answered from memory after the first
 * (docs/design.md#registry-cache). Sound only where this process is the registry's one writer: the
 * embedded store, whose `DATA_DIR` no other process may open (docs/design.md#data-dir-lock), so an
 * import can only come through `upsert` here, which empties the cache once it has committed (and
 * when it fails: a commit whose answer was lost may still have happened). On a PostgreSQL server
 * other processes write (the CLI with `DATABASE_URL`, other replicas), so that store is not cached.
 *
 * Every answer is cached, "not found" and conflicts too, under its canonical arguments; a read that
 * throws is not. Answers are frozen: callers share them. Least recently used beyond `max`.
 */
export function cachedRegistry(inner: RegistryStore, max = REGISTRY_CACHE_ENTRIES): RegistryStore {
  const answers = new Map<string, Promise<unknown>>();
  const remember =
    <A extends unknown[], R>(name: keyof Reads, read: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      const key = `${name}:${canonicalJson(args)}`;
      const hit = answers.get(key);
      if (hit !== undefined) {
        answers.delete(key);
        answers.set(key, hit);
        return hit as Promise<R>;
      }
      const answer = read(...args).then(deepFreeze);
      answers.set(key, answer);
      if (answers.size > max) answers.delete(answers.keys().next().value!);
      // A failed read is asked again next time.
      answer.catch(() => {
        if (answers.get(key) === answer) answers.delete(key);
      });
      return answer;
    };
  return {
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
