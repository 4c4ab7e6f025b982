import type { Coding, Resource } from '@medplum/fhirtypes';
import type { ValueSetMatcher } from '../value-sets/matcher.js';
import type { Concepts } from './concepts.js';

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

/** list → matcher → accessors → coded index: no closures or key strings on the hot (hit) path. */
const indexes = new WeakMap<object, WeakMap<ValueSetMatcher, Map<readonly object[], ReadonlyMap<string, readonly Resource[]>>>>();

function indexTable(list: object, matcher: ValueSetMatcher): Map<readonly object[], ReadonlyMap<string, readonly Resource[]>> {
  let m = indexes.get(list);
  if (m === undefined) indexes.set(list, (m = new WeakMap()));
  let t = m.get(matcher);
  if (t === undefined) m.set(matcher, (t = new Map()));
  return t;
}

/**
 * The first coding, in concept order, of the concepts `at(resource)` that is in value set
 * `valueSetId` (`matchingCoding` on each concept until one matches).
 * `!== undefined` is `at(r).some((c) => matcher.inValueSet(valueSetId, c))`.
 * Not memoised: the accessor is a property read, and the matcher keeps the value sets of each
 * (system, code), so this is a few lookups — cheaper than a memo table.
 */
export function codingAt<T extends Resource>(
  matcher: ValueSetMatcher,
  valueSetId: string,
  at: Concepts<T>,
  resource: T,
): Coding | undefined {
  for (const c of at(resource)) {
    const m = matcher.matchingCoding(valueSetId, c);
    if (m) return m;
  }
  return undefined;
}

/**
 * value-set id → the resources of `list` (in list order, each once) with a coding in that value set
 * in the concepts of any of the accessors `at`: one pass over the list for every value set at once. Scanning the list once
 * per value set instead cost (value sets asked) × (resources) lookups — on a 1,000-resource record
 * most of a request's time.
 */
function codedIndex<T extends Resource>(
  matcher: ValueSetMatcher,
  at: readonly Concepts<T>[],
  list: readonly T[],
): ReadonlyMap<string, readonly T[]> {
  const index = new Map<string, T[]>();
  // Indexed loops, and no iterator over an empty Set: this runs a few times a request over every
  // resource of a type, often before it is optimised, where each iterator step allocates.
  for (let i = 0; i < list.length; i += 1) {
    const r = list[i]!;
    for (let a = 0; a < at.length; a += 1) {
      const accessor = at[a]!;
      const concepts = accessor(r);
      for (let c = 0; c < concepts.length; c += 1) {
        const memberships = matcher.valueSetsOf(concepts[c]);
        for (let m = 0; m < memberships.length; m += 1) {
          const sets = memberships[m]!;
          if (sets.size === 0) continue;
          for (const id of sets) {
            const hits = index.get(id);
            if (hits === undefined) index.set(id, [r]);
            else if (hits[hits.length - 1] !== r) hits.push(r);
          }
        }
      }
    }
  }
  for (const hits of index.values()) Object.freeze(hits);
  return index;
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * The resources of `list` (in order) with a coding in value set `valueSetId` in the concepts of any
 * of the accessors `at` (./concepts.ts): the only candidates a value-set element can select, so
 * readers scan these instead of every resource of the type. The index behind it is built once per
 * frozen list (a snapshot's `ofType` list), matcher, and `at` array (pass a module constant); an
 * unfrozen list is indexed on every call.
 */
export function codedIn<T extends Resource>(
  matcher: ValueSetMatcher,
  valueSetId: string,
  at: readonly Concepts<T>[],
  list: readonly T[],
): readonly T[] {
  matcher.assertKnown(valueSetId);
  if (!Object.isFrozen(list)) return codedIndex(matcher, at, list).get(valueSetId) ?? NONE;
  const t = indexTable(list, matcher);
  let index = t.get(at);
  if (index === undefined) t.set(at, (index = codedIndex(matcher, at, list)));
  return (index.get(valueSetId) ?? NONE) as readonly T[];
}
