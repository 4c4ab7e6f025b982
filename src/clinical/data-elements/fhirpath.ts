import r4Model from 'fhirpath/fhir-context/r4';
import type { CodeableConcept, Resource } from '@medplum/fhirtypes';

/**
 * Element extraction for the few FHIRPath member paths the engine reads (listed in EXPRESSIONS).
 *
 * Every expression is a simple path — an optional root type, members, an optional final
 * `ofType(CodeableConcept)` — so it is evaluated here by direct property access that reproduces
 * fhirpath.js 5 member navigation exactly, against the same R4 model: choice types (`value` is the
 * first present of the model's `valueQuantity`, `valueCodeableConcept`, … in model order, then
 * `ofType` keeps it only if that type is a CodeableConcept), `_x` primitive-extension siblings,
 * arrays flattened, a root type that does not match falls back to a member of that name. The
 * equivalence with fhirpath.js (clone + `fhirpath.compile`) is tested over every fixture and
 * generated odd shapes (test/clinical/fhirpath-equivalence.test.ts). Nothing is written to the
 * resource, so no clone of the frozen snapshot is needed. Only objects (CodeableConcept-shaped
 * values) are returned; any error yields an empty result: bad data is skipped, never a crash.
 * Results are memoised per frozen resource and path. Dates are not read here; see ../dates/.
 */
export const EXPRESSIONS = {
  code: 'code',
  valueConcept: 'value.ofType(CodeableConcept)',
  interpretation: 'Observation.interpretation',
  conclusionCode: 'DiagnosticReport.conclusionCode',
  familyConditions: 'FamilyMemberHistory.condition.code',
  relationship: 'FamilyMemberHistory.relationship',
  episodeType: 'EpisodeOfCare.type',
  medicationConcept: 'medication.ofType(CodeableConcept)',
} as const;

export type ConceptPath = keyof typeof EXPRESSIONS;

interface Model {
  readonly choiceTypePaths: Readonly<Record<string, readonly string[] | undefined>>;
  readonly pathsDefinedElsewhere: Readonly<Record<string, string | undefined>>;
  readonly type2Parent: Readonly<Record<string, string | undefined>>;
  readonly path2Type: Readonly<Record<string, string | undefined>>;
  readonly path2TypeWithoutElements: Readonly<Record<string, string | undefined>>;
}
const MODEL = r4Model as unknown as Model;

/** A parsed simple path: the identifiers in order, and whether it ends in `ofType(CodeableConcept)`. */
interface SimplePath { readonly members: readonly string[]; readonly ofConcept: boolean }

function parse(expr: string): SimplePath {
  const m = /^([A-Za-z]\w*(?:\.[A-Za-z]\w*)*)(\.ofType\(CodeableConcept\))?$/.exec(expr);
  if (!m?.[1]) throw new Error(`not a simple FHIRPath member path: ${expr}`);
  return { members: m[1].split('.'), ofConcept: m[2] !== undefined };
}

const PATHS = Object.fromEntries(Object.entries(EXPRESSIONS).map(([k, e]) => [k, parse(e)])) as Record<ConceptPath, SimplePath>;

/** A fhirpath.js ResourceNode reduced to what member navigation reads. */
interface Node { readonly data: unknown; readonly ext: unknown; readonly path: string | null; readonly type: string | null }

type Bag = Readonly<Record<string, unknown>> | null | undefined;
const prop = (v: unknown, key: string): unknown => (v === null || v === undefined ? undefined : (v as Record<string, unknown>)[key]);
const isSome = (x: unknown): boolean => x !== null && x !== undefined && !(Array.isArray(x) && x.length === 0);

/** `new ResourceNode(...)`: a node whose data has a resourceType is typed and pathed by it. */
function node(data: unknown, path: string | null | undefined, ext: unknown, type: string | null | undefined): Node {
  const rt = prop(data, 'resourceType') as string | undefined;
  if (rt) return { data, ext: ext || null, path: rt, type: rt };
  return { data, ext: ext || null, path: path || null, type: type || null };
}

/** Where member `key` of a node at a model path leads: the model lookups of `children`, done once. */
interface ChildPaths {
  /**
   * A choice member (`value[x]`): per type suffix in model order, the child's type and path, and
   * the property names it is read from (`valueQuantity`, `_valueQuantity`).
   */
  readonly choices?: readonly { readonly name: string; readonly extName: string; readonly type: string | undefined; readonly path: string }[];
  /** A plain member: the child's type and path. */
  readonly type: string | undefined;
  readonly path: string;
}

/**
 * `_key`, the primitive-extension sibling of member `key`, made once per key: a name built on each
 * read is a new string every time, and reading a property by it costs a string-table lookup.
 * Keys come from EXPRESSIONS and the model: a small, fixed set.
 */
const extNames = new Map<string, string>();
function extName(key: string): string {
  let name = extNames.get(key);
  if (name === undefined) extNames.set(key, (name = `_${key}`));
  return name;
}

/** parent path → key → ChildPaths. Paths come from the model and resourceType values: bounded. */
const childPathCache = new Map<string, Map<string, ChildPaths>>();
const CHILD_PATH_CACHE_LIMIT = 10_000;
let childPathCacheSize = 0;

function resolvedPath(childPath: string): { type: string | undefined; path: string } {
  return { type: MODEL.path2Type[childPath], path: MODEL.path2TypeWithoutElements[childPath] ?? childPath };
}

function childPaths(parentPath: string, key: string): ChildPaths {
  let byKey = childPathCache.get(parentPath);
  const hit = byKey?.get(key);
  if (hit !== undefined) return hit;
  const joined = `${parentPath}.${key}`;
  const childPath = MODEL.pathsDefinedElsewhere[joined] ?? joined;
  const actualTypes = MODEL.choiceTypePaths[childPath];
  const paths: ChildPaths = {
    ...resolvedPath(childPath),
    ...(actualTypes ? { choices: actualTypes.map((suffix) => ({ name: key + suffix, extName: `_${key}${suffix}`, ...resolvedPath(childPath + suffix) })) } : {}),
  };
  // A resourceType is data: past the bound (never reached by R4 types) paths are resolved per call.
  if (childPathCacheSize < CHILD_PATH_CACHE_LIMIT) {
    if (byKey === undefined) childPathCache.set(parentPath, (byKey = new Map()));
    byKey.set(key, paths);
    childPathCacheSize += 1;
  }
  return paths;
}

/** `util.makeChildResNodes` of fhirpath.js 5 (minus `extension`, never navigated here). */
function children(parent: Node, key: string, out: Node[]): void {
  const data = parent.data as Bag;
  let toAdd: unknown;
  let extAdd: unknown;
  let childPath: string | null = null;
  let type: string | undefined;
  if (parent.path) {
    const paths = childPaths(parent.path, key);
    ({ type, path: childPath } = paths);
    if (paths.choices) {
      for (const choice of paths.choices) {
        toAdd = prop(data, choice.name);
        extAdd = prop(data, choice.extName);
        if (toAdd !== undefined || extAdd !== undefined) {
          ({ type, path: childPath } = choice);
          break;
        }
      }
    } else {
      toAdd = prop(data, key);
      extAdd = prop(data, extName(key));
      if (toAdd === undefined && extAdd === undefined) toAdd = prop(parent.ext, key);
    }
  } else {
    toAdd = prop(data, key);
    extAdd = prop(data, extName(key));
    if (toAdd === undefined && extAdd === undefined) toAdd = prop(parent.ext, key);
  }
  if (!isSome(toAdd) && !isSome(extAdd)) return;
  if (Array.isArray(toAdd)) {
    const exts = extAdd as Bag & { length?: number };
    toAdd.forEach((x, i) => out.push(node(x, childPath, exts ? (exts as Record<number, unknown>)[i] : undefined, type)));
    const extLength = (exts?.length as number | undefined) || 0;
    for (let i = toAdd.length; i < extLength; i += 1) out.push(node(null, childPath, (exts as Record<number, unknown>)[i], type));
    return;
  }
  if ((toAdd === null || toAdd === undefined) && Array.isArray(extAdd)) {
    for (const x of extAdd) out.push(node(null, childPath, x, type));
    return;
  }
  out.push(node(toAdd, childPath, extAdd, type));
}

/** `engine.MemberInvocation`: a node named by its resourceType is kept as is, else its children. */
function member(nodes: readonly Node[], key: string): Node[] {
  const out: Node[] = [];
  for (const n of nodes) {
    if (prop(n.data, 'resourceType') === key) out.push(n);
    else children(n, key, out);
  }
  return out;
}

function isType(type: string | null | undefined, superType: string): boolean {
  for (let t = type; t; t = MODEL.type2Parent[t]) if (t === superType) return true;
  return false;
}

const isConcept = (v: unknown): v is CodeableConcept => typeof v === 'object' && v !== null && !Array.isArray(v);

function evaluate(path: ConceptPath, resource: Resource): readonly CodeableConcept[] {
  try {
    const { members, ofConcept } = PATHS[path];
    // The root: a resource is a node typed by its resourceType; anything else is untyped data.
    let nodes: Node[] = [node(resource, null, null, null)];
    for (const key of members) nodes = member(nodes, key);
    if (ofConcept) nodes = nodes.filter((n) => isType(n.type, 'CodeableConcept'));
    const out: CodeableConcept[] = [];
    for (const n of nodes) if (isConcept(n.data)) out.push(n.data);
    return out;
  } catch {
    return [];
  }
}

const results = new WeakMap<object, Partial<Record<ConceptPath, readonly CodeableConcept[]>>>();

/**
 * The CodeableConcepts at a named path of a resource (empty on bad data). Do not mutate the array.
 * Memoised per frozen resource and path: rules read the same few candidates again and again.
 */
export function conceptsAt(path: ConceptPath, resource: Resource): readonly CodeableConcept[] {
  if (!Object.isFrozen(resource)) return evaluate(path, resource);
  let byPath = results.get(resource);
  if (byPath === undefined) results.set(resource, (byPath = {}));
  let r = byPath[path];
  if (r === undefined) byPath[path] = r = Object.freeze(evaluate(path, resource));
  return r;
}

/**
 * `conceptsAt` without the memo, for a pass that reads each resource of a whole type list once
 * (memo.ts `codedIndex`): a WeakMap entry for each of a heavy record's thousand resources cost
 * more to make, and to trace in every GC, than the evaluation it would save.
 */
export function conceptsAtOnce(path: ConceptPath, resource: Resource): readonly CodeableConcept[] {
  return evaluate(path, resource);
}
