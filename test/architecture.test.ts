import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Pure core, IO at the edges (docs/conventions.md#pure-core): rules, credential checks, card/notice rendering and
 * QC aggregation are functions of data. This test fails if a pure folder imports a framework, a
 * driver, the file system, the network or an adapter.
 */
const ROOT = join(import.meta.dirname, '..');
const PURE_FOLDERS = ['src/engine', 'src/clinical', 'src/render', 'src/referral', 'src/orders', 'src/nipt', 'src/qc'];
const FORBIDDEN = [
  /^express$/, /^pg$/, /^@electric-sql\/pglite/, /^pino$/, /^jose$/,
  /^node:(fs|net|http|https|child_process|dgram|tls)(\/|$)/, /^(fs|net|http|https|child_process)$/,
  /\/(http|store|auth|registry)\//, /\/fhir\/(fhir-client|load-snapshot)/, /\/main\.js$/, /\/app\.js$/,
];

function sourceFiles(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(sourceFiles(p));
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

function importsOf(text: string): string[] {
  const specs: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) specs.push((m[1] ?? m[2])!);
  return specs;
}

describe('architecture: pure folders do no IO', () => {
  const files = PURE_FOLDERS.flatMap((f) => sourceFiles(join(ROOT, f)));

  it('finds the pure source files', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(PURE_FOLDERS)('%s imports no framework, driver, fs/net or adapter', (folder) => {
    const offenders: string[] = [];
    for (const file of files.filter((f) => relative(ROOT, f).startsWith(folder))) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (FORBIDDEN.some((re) => re.test(spec))) offenders.push(`${relative(ROOT, file)} → ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the wall clock is read in one place only', () => {
    const all = sourceFiles(join(ROOT, 'src'));
    const readers = all.filter((f) => /new Date\(\)|Date\.now\(\)/.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
    for (const r of readers) expect(['src/clock.ts', 'src/http', 'src/auth', 'src/fhir', 'src/store', 'src/main.ts', 'src/log.ts', 'src/registry/cli.ts', 'src/cli'].some((ok) => r.startsWith(ok))).toBe(true);
  });
});
