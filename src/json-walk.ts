/**
 * Appends the object and array members of a JSON-like value (own enumerable keys, or array
 * elements) to `out`, without building an array of its keys or values: the inner step of every
 * walk over a whole request body (deepFreeze, nestingDepth), which sees each of its nodes. `for…in`
 * reads the keys from the object's cached enumeration, where `Object.keys` allocated an array per
 * object; `Object.hasOwn` drops inherited
 * enumerable members, so the members seen are exactly those of `Object.keys`.
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
  for (const key in o) {
    const child = o[key];
    if (child !== null && typeof child === 'object' && Object.hasOwn(o, key)) out.push(child);
  }
}
