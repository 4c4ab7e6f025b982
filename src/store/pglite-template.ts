import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../package-root.js';
import { migrate } from './migrate.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import { MEMORY_DATA_DIR, openPglite } from './pglite-sql.js';

/**
 * A ready-made, migrated, empty PGlite database, so the first start in a new DATA_DIR does not run
 * `initdb` (slow in WebAssembly): `npm run build` writes it (scripts/build-pglite-template.ts) and
 * src/store/pglite-sql.ts unpacks it into an empty data directory. The file name carries
 * a key of the installed PGlite version and of every migration, so a template from another PGlite
 * or another schema is never used: without a matching one, PGlite runs `initdb` as before and the
 * migrations run at start as always.
 */
export function templateKey(migrations: readonly Migration[] = MIGRATIONS): string {
  const h = createHash('sha256');
  h.update(`pglite ${pgliteVersion()}\n`);
  for (const m of migrations) h.update(`${m.version} ${m.name}\n${m.statements.join('\n;\n')}\n`);
  return h.digest('hex').slice(0, 16);
}

/** Where the template for this code lives (under dist/, a build output, never committed). */
export function templateFile(root: string = packageRoot(), key: string = templateKey()): string {
  return join(root, 'dist', 'pglite-template', `${key}.tar.gz`);
}

/** The template for this code, if one was built; undefined otherwise. */
export function readTemplate(file: string = templateFile()): Blob | undefined {
  return existsSync(file) ? new Blob([readFileSync(file)]) : undefined;
}

/** Builds a template: a fresh in-memory database, migrated, dumped (gzip) to `file` atomically. */
export async function buildTemplate(file: string = templateFile()): Promise<{ file: string; bytes: number }> {
  const { db, sql } = await openPglite(MEMORY_DATA_DIR);
  try {
    await migrate(sql);
    const dump = Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer());
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, dump);
    renameSync(tmp, file);
    return { file, bytes: dump.length };
  } finally {
    await sql.close();
  }
}

let version: string | undefined;

/** The installed `@electric-sql/pglite` version (from its package.json). */
export function pgliteVersion(): string {
  if (version) return version;
  let dir = dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const parsed = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown; version?: unknown };
      if (parsed.name === '@electric-sql/pglite' && typeof parsed.version === 'string') return (version = parsed.version);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('@electric-sql/pglite package.json not found');
    dir = parent;
  }
}
