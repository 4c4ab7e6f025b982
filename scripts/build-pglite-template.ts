/**
 * Writes the PGlite template of src/store/pglite-template.ts (a migrated empty database, dumped)
 * under dist/, so the first start in a new DATA_DIR skips `initdb`. Run by `npm run build`.
 */
import { buildTemplate, templateFile } from '../src/store/pglite-template.js';

const file = templateFile();
const started = performance.now();
const { bytes } = await buildTemplate(file);
process.stdout.write(`PGlite template ${(bytes / 1e6).toFixed(1)} MB in ${Math.round(performance.now() - started)} ms → ${file}\n`);
