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

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS) of JSON data: the hash input of the written notice
 * (docs/design.md#written-notice). For JSON data `canonicalJson` already writes JCS — keys sorted by
 * UTF-16 code units, numbers as ECMAScript `Number.prototype.toString` (RFC 8785 §3.2.2.3, which
 * gives `1e+30`, `0.002`, `-0` as `0`), strings escaped as `JSON.stringify` (the same minimal
 * escapes, `\u00XX` lower case), no whitespace — so `jcs` only refuses what JCS (I-JSON, RFC 7493)
 * does not allow instead of writing something else: a non-finite number, a lone surrogate in a
 * string or member name, a bigint. Members whose value is `undefined` are left out, as when the
 * content is stored as JSON, so the hash of built content equals the hash of the stored one.
 * Throws a TypeError naming the path.
 */
export function jcs(value: unknown): string {
  // The walk that names the path runs only for data that fails: building every path costs more than the check.
  if (!jcsSafe(value)) check(value, '$');
  return canonicalJson(value) as string;
}

/**
 * The members of a JSON object as `jcs` writes them: `[name, canonical value]` in JCS order,
 * members whose value is `undefined` (or a function or symbol) left out. `jcsOfMembers` of them is
 * `jcs` of the object, so a caller that needs the text of the object and of the object without
 * some members (the notice and its substance, src/referral/notice/substance.ts) writes each member once.
 */
export function jcsMembers(value: Readonly<Record<string, unknown>>): [string, string][] {
  if (!jcsSafe(value)) check(value, '$');
  const out: [string, string][] = [];
  for (const k of Object.keys(value).sort()) {
    const member = write(value[k], k);
    if (member !== undefined) out.push([k, member]);
  }
  return out;
}

/** The object text of members in JCS order (from `jcsMembers`, some left out or replaced). */
export function jcsOfMembers(members: readonly (readonly [string, string])[]): string {
  let out = '{';
  for (const [k, v] of members) {
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(k)}:${v}`;
  }
  return `${out}}`;
}

/** Whether `check` passes, without the paths it names on failure. */
function jcsSafe(value: unknown): boolean {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON: (key: string) => unknown }).toJSON('');
  }
  if (v === null || v === undefined || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v === 'string') return !LONE_SURROGATE.test(v);
  if (typeof v === 'bigint') return false;
  if (typeof v !== 'object') return true;
  if (Array.isArray(v)) {
    for (const x of v) if (!jcsSafe(x)) return false;
    return true;
  }
  for (const k in v) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
    if (LONE_SURROGATE.test(k) || !jcsSafe((v as Record<string, unknown>)[k])) return false;
  }
  return true;
}

function check(value: unknown, path: string): void {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON: (key: string) => unknown }).toJSON('');
  }
  if (v === null || v === undefined || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`jcs: ${path} is not a finite number`);
    return;
  }
  if (typeof v === 'string') {
    if (LONE_SURROGATE.test(v)) throw new TypeError(`jcs: ${path} holds a lone surrogate`);
    return;
  }
  if (typeof v === 'bigint') throw new TypeError(`jcs: ${path} is a bigint`);
  if (typeof v !== 'object') return; // function, symbol: left out, as JSON.stringify does
  if (Array.isArray(v)) {
    v.forEach((x, i) => check(x, `${path}[${i}]`));
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    if (LONE_SURROGATE.test(k)) throw new TypeError(`jcs: a member name under ${path} holds a lone surrogate`);
    check(x, `${path}.${k}`);
  }
}
