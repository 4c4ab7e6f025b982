import type { Coding, Resource } from '@medplum/fhirtypes';
import type { ValueSetMatcher } from '../value-sets/matcher.js';
import { conceptsAt, type ConceptPath } from './fhirpath.js';

/**
 * Memoisation of pure derivations of frozen data (performance only: no behaviour of its own).
 *
 * A snapshot, its per-type lists and every resource in it are deep-frozen and built once per
 * request, so anything computed from them alone (the coding of a resource in a value set, its
 * clinical date, the resources of a list coded in a value set) can be computed once and reused by
 * every data element and rule of the request. Entries hang off the frozen objects in WeakMaps: they
 * live exactly as long as the request's data, so a long-running process never accumulates them.
 * Unfrozen objects (which could change between two calls) are never memoised.
 */
const tables = new WeakMap<object, Map<string, unknown>>();

/** `compute()` once per frozen `owner` and `key`; every call when `owner` is not frozen. */
export function memoOn<T>(owner: object, key: string, compute: () => T): T {
  if (!Object.isFrozen(owner)) return compute();
  let table = tables.get(owner);
  if (table === undefined) tables.set(owner, (table = new Map()));
  if (table.has(key)) return table.get(key) as T;
  const value = compute();
  table.set(key, value);
  return value;
}

/** owner → matcher → key(s) → value: no closures or key strings on the hot (hit) path. */
const byMatcher = new WeakMap<object, WeakMap<ValueSetMatcher, Map<unknown, unknown>>>();

function matcherTable(owner: object, matcher: ValueSetMatcher): Map<unknown, unknown> {
  let m = byMatcher.get(owner);
  if (m === undefined) byMatcher.set(owner, (m = new WeakMap()));
  let t = m.get(matcher);
  if (t === undefined) m.set(matcher, (t = new Map()));
  return t;
}

function subTable(t: Map<unknown, unknown>, key: unknown): Map<string, unknown> {
  let s = t.get(key) as Map<string, unknown> | undefined;
  if (s === undefined) t.set(key, (s = new Map()));
  return s;
}

/**
 * The first coding, in concept order, of the concepts at `path` of `resource` that is in value set
 * `valueSetId` (= `conceptsAt(path, r)` then `matchingCoding` on each concept until one matches).
 * `!== undefined` is `conceptsAt(path, r).some((c) => matcher.inValueSet(valueSetId, c))`.
 * Not memoised here: `conceptsAt` is memoised per frozen resource and path, and the matcher keeps
 * the value sets of each frozen coding, so this is a few lookups — cheaper than a memo table.
 */
export function codingAt(matcher: ValueSetMatcher, valueSetId: string, path: ConceptPath, resource: Resource): Coding | undefined {
  for (const c of conceptsAt(path, resource)) {
    const m = matcher.matchingCoding(valueSetId, c);
    if (m) return m;
  }
  return undefined;
}

function filterCoded<T extends Resource>(matcher: ValueSetMatcher, valueSetId: string, paths: readonly ConceptPath[], list: readonly T[]): readonly T[] {
  return Object.freeze(list.filter((r) => paths.some((p) => codingAt(matcher, valueSetId, p, r) !== undefined)));
}

/**
 * The resources of `list` (in order) with a coding in value set `valueSetId` at any of `paths`: the
 * only candidates a value-set element can select, so readers scan these instead of every resource
 * of the type. Memoised per frozen list (a snapshot's `ofType` list), matcher, and `paths` array
 * (pass a module constant).
 */
export function codedIn<T extends Resource>(matcher: ValueSetMatcher, valueSetId: string, paths: readonly ConceptPath[], list: readonly T[]): readonly T[] {
  if (!Object.isFrozen(list)) return filterCoded(matcher, valueSetId, paths, list);
  const t = subTable(matcherTable(list, matcher), paths);
  let v = t.get(valueSetId) as readonly T[] | undefined;
  if (v === undefined) t.set(valueSetId, (v = filterCoded(matcher, valueSetId, paths, list)));
  return v;
}
