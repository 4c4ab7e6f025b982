/**
 * Appends the object and array members of a JSON-like value (own enumerable keys, or array
 * elements) to `out`, without building an array of its values: the inner step of every walk over a
 * whole request body (deepFreeze, nestingDepth), which sees each of its nodes.
 */
export function pushChildObjects(value: object, out: object[]): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const child: unknown = value[i];
      if (child !== null && typeof child === 'object') out.push(child);
    }
    return;
  }
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i += 1) {
    const child = o[keys[i] as string];
    if (child !== null && typeof child === 'object') out.push(child);
  }
}
