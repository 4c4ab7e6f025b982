import { AppError } from '../errors/app-error.js';
import type { Metrics } from './metrics.js';

/** `recordHookCall` → `record_hook_call`: the `operation` label of a store method. */
const operationOf = (method: string): string => method.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The store with each failure of each of its methods counted (`prenatal_cds_store_errors_total{operation}`,
 * docs/design.md#metrics): a rejection with `store-unavailable` — the store could not be reached or
 * could not write — not a refusal of the record itself (a notice conflict). The slots are made here,
 * once per method; the store's object is not changed, and each call goes to its method as it is then.
 */
export function countStoreErrors<T extends object>(store: T, metrics: Metrics): T {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(store)) {
    if (typeof value !== 'function') {
      out[name] = value;
      continue;
    }
    const methods = store as Record<string, (...args: unknown[]) => unknown>;
    const slot = metrics.storeErrors(operationOf(name));
    const count = (err: unknown): never => {
      if (err instanceof AppError && err.code === 'store-unavailable') slot.inc();
      throw err;
    };
    out[name] = (...args: unknown[]) => {
      // looked up at call time: the wrapper follows the store's own method, whatever it is then
      const result = methods[name]!.apply(store, args);
      return result instanceof Promise ? result.catch(count) : result;
    };
  }
  return out as T;
}
