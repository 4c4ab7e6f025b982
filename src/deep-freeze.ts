/**
 * Freezes an object graph in place and returns it. Iterative (an explicit stack), so a hostile,
 * deeply nested document cannot overflow the call stack.
 */
export function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (!v || typeof v !== 'object' || Object.isFrozen(v)) continue;
    Object.freeze(v);
    // Own enumerable members only (Object.keys), visited without building an array of values.
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i += 1) {
        const child: unknown = v[i];
        if (child && typeof child === 'object') stack.push(child);
      }
    } else {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      for (let i = 0; i < keys.length; i += 1) {
        const child = o[keys[i] as string];
        if (child && typeof child === 'object') stack.push(child);
      }
    }
  }
  return value;
}
