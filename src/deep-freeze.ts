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
    for (const child of Object.values(v as Record<string, unknown>)) {
      if (child && typeof child === 'object') stack.push(child);
    }
  }
  return value;
}
