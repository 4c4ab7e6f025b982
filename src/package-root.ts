import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'prenatal-cds';

/**
 * The directory holding this package's `package.json`, found by walking up from this module. Works
 * from `src/` (tsx, vitest) and from the compiled `dist/src/` alike; no machine paths.
 */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && readName(candidate) === PACKAGE_NAME) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package root of ${PACKAGE_NAME} not found above ${from}`);
    dir = parent;
  }
}

function readName(file: string): string | undefined {
  try {
    const pkg: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return pkg && typeof pkg === 'object' && 'name' in pkg && typeof pkg.name === 'string' ? pkg.name : undefined;
  } catch {
    return undefined;
  }
}
