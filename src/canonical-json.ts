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
  check(value);
  return canonicalJson(value) as string;
}

/**
 * The members of a JSON object as `jcs` writes them: `[name, canonical value]` in JCS order,
 * members whose value is `undefined` (or a function or symbol) left out. `jcsOfMembers` of them is
 * `jcs` of the object, so a caller that needs the text of the object and of the object without
 * some members (the notice and its substance, src/referral/notice/substance.ts) writes each member once.
 */
export function jcsMembers(value: Readonly<Record<string, unknown>>): [string, string][] {
  check(value);
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

/** What JCS refuses in a value: the path below it (`[0].a`) and the refusal, worded for its full path. */
interface Refusal {
  readonly below: string;
  readonly words: (path: string) => string;
}

/**
 * The first thing JCS refuses in `value`, or `undefined`. One walk that builds no path while it
 * finds nothing (a notice is checked on every card): the path is put together on the way back up.
 */
function refusal(value: unknown): Refusal | undefined {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON: (key: string) => unknown }).toJSON('');
  }
  if (v === null || v === undefined || typeof v === 'boolean') return undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : { below: '', words: (p) => `${p} is not a finite number` };
  if (typeof v === 'string') return LONE_SURROGATE.test(v) ? { below: '', words: (p) => `${p} holds a lone surrogate` } : undefined;
  if (typeof v === 'bigint') return { below: '', words: (p) => `${p} is a bigint` };
  if (typeof v !== 'object') return undefined; // function, symbol: left out, as JSON.stringify does
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i += 1) {
      const r = refusal(v[i]);
      if (r) return { below: `[${i}]${r.below}`, words: r.words };
    }
    return undefined;
  }
  for (const k in v) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
    if (LONE_SURROGATE.test(k)) return { below: '', words: (p) => `a member name under ${p} holds a lone surrogate` };
    const r = refusal((v as Record<string, unknown>)[k]);
    if (r) return { below: `.${k}${r.below}`, words: r.words };
  }
  return undefined;
}

/** Throws a TypeError naming the path of the first thing JCS refuses in `value`. */
function check(value: unknown): void {
  const r = refusal(value);
  if (r) throw new TypeError(`jcs: ${r.words(`$${r.below}`)}`);
}
