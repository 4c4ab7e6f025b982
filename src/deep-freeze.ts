import { pushChildObjects } from './json-walk.js';

/**
 * Freezes an object graph in place and returns it. Iterative (an explicit stack), so a hostile,
 * deeply nested document cannot overflow the call stack.
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  const stack: object[] = [value];
  while (stack.length > 0) {
    const v = stack.pop() as object;
    if (Object.isFrozen(v)) continue;
    Object.freeze(v);
    pushChildObjects(v, stack);
  }
  return value;
}
