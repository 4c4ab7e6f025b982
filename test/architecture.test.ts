import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Pure core, IO at the edges (docs/conventions.md#pure-core): rules, credential checks, card/notice rendering and
 * QC aggregation are functions of data. This test fails if a pure folder imports a framework, a
 * driver, the file system, the network or an adapter.
 */
const ROOT = join(import.meta.dirname, '..');
const PURE_FOLDERS = [
  'src/calendar',
  'src/csv',
  'src/engine',
  'src/clinical',
  'src/render',
  'src/referral',
  'src/orders',
  'src/nipt',
  'src/qc',
];
const FORBIDDEN = [
  /^express$/,
  /^pg$/,
  /^@electric-sql\/pglite/,
  /^pino$/,
  /^jose$/,
  /^node:(fs|net|http|https|child_process|dgram|tls)(\/|$)/,
  /^(fs|net|http|https|child_process)$/,
  /\/(http|store|auth|registry)\//,
  /\/fhir\/(fhir-client|load-snapshot)/,
  /\/main\.js$/,
  /\/app\.js$/,
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
    for (const r of readers)
      expect(
        [
          'src/clock.ts',
          'src/http',
          'src/auth',
          'src/fhir',
          'src/store',
          'src/main.ts',
          'src/log.ts',
          'src/registry/cli.ts',
          'src/cli',
        ].some((ok) => r.startsWith(ok)),
      ).toBe(true);
  });
});

/** Relative imports of a source file, resolved to repository paths (`.js` specifiers name `.ts` files). */
function localImports(file: string): string[] {
  return importsOf(readFileSync(file, 'utf8'))
    .filter((s) => s.startsWith('.') && s.endsWith('.js'))
    .map((s) => relative(ROOT, join(dirname(file), s.replace(/\.js$/, '.ts'))));
}

const SLICES = ['src/referral', 'src/nipt', 'src/orders'];
const inFolder = (path: string, folder: string) => path === `${folder}.ts` || path.startsWith(`${folder}/`);

describe('architecture: the slices and the shared middle', () => {
  const graph = new Map(sourceFiles(join(ROOT, 'src')).map((f) => [relative(ROOT, f), localImports(f)]));

  it('reads the import graph', () => {
    expect(graph.size).toBeGreaterThan(100);
  });

  it.each(['src/render', 'src/engine', 'src/clinical', 'src/calendar', 'src/csv'])('%s imports no feature slice', (folder) => {
    const offenders = [...graph].flatMap(([file, deps]) =>
      inFolder(file, folder) ? deps.filter((d) => SLICES.some((s) => inFolder(d, s))).map((d) => `${file} → ${d}`) : [],
    );
    expect(offenders).toEqual([]);
  });

  it('the audit never parses card JSON: the HTTP layer and the store do not read the findings extension back', () => {
    const offenders = [...graph.keys()]
      .filter((f) => inFolder(f, 'src/http') || inFolder(f, 'src/store'))
      .filter((f) => /FINDINGS_EXTENSION|org\.prenatal-cds\.findings/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const dep of graph.get(file) ?? []) if (graph.has(dep)) visit(dep, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
