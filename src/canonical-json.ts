/**
 * Canonical JSON: exactly `JSON.stringify(value)` except that every object's keys are written in
 * sorted order (UTF-16 code unit order, as `Array.prototype.sort`), so equal data gives equal text
 * whatever the key order — the input of the notice content hash and of the store's dedupe keys.
 * As `JSON.stringify`: `toJSON` is honoured (a Date becomes its ISO string), members whose value is
 * `undefined`, a function or a symbol are left out of objects and written `null` in arrays,
 * non-finite numbers are `null`, a bigint throws; `undefined` at the top gives `undefined`.
 *
 * Written out instead of a sorting replacer over `JSON.stringify`, which builds a sorted copy of
 * every object: this is a single pass (a notice is hashed on every card). The equivalence with the
 * replacer is property-tested (test/unit/canonical-json.test.ts).
 */
export function canonicalJson(value: unknown): string {
  return write(value, '') as string;
}

function write(value: unknown, key: string): string | undefined {
  let v = value;
  if (v !== null && (typeof v === 'object' || typeof v === 'bigint') && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON: (key: string) => unknown }).toJSON(key);
  }
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      break;
    case 'bigint':
      return JSON.stringify(v); // throws, as JSON.stringify does
    default:
      return undefined; // undefined, function, symbol
  }
  if (v === null) return 'null';
  if (v instanceof Number || v instanceof String || v instanceof Boolean) return JSON.stringify(v);
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i += 1) {
      if (i > 0) out += ',';
      out += write(v[i], String(i)) ?? 'null';
    }
    return `${out}]`;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  let out = '{';
  for (const k of keys) {
    const member = write(o[k], k);
    if (member === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(k)}:${member}`;
  }
  return `${out}}`;
}
