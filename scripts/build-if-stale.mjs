/**
 * The build, and the check `npm start` runs before it starts (docs/deploy.md#build).
 *
 *   node scripts/build-if-stale.mjs --force   `npm run build`: build, then write the stamp
 *   node scripts/build-if-stale.mjs           `prestart`: build only if the sources changed
 *
 * The build is `tsc -p tsconfig.build.json` and the PGlite template (dist/scripts/build-pglite-template.js).
 * The stamp, dist/build-stamp.json, holds a SHA-256 of the build's inputs (INPUTS: every file under
 * src/, scripts/, cds-hooks/, the tsconfigs, package.json and package-lock.json) taken before the
 * build started; `npm start` rebuilds only when that hash changed, so no TypeScript is needed to
 * start a current tree. A release tree (unpacked from `npm run release`, no tsconfig.build.json)
 * carries its stamp and no sources: it starts as built. Where dist/ is stale or missing and
 * TypeScript is not installed (`npm ci --omit=dev`), this says so and exits 1 instead of failing
 * with `tsc: not found`. Plain JavaScript: it runs before anything is compiled.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';

const ROOT = dirname(import.meta.dirname);
/** What the build reads: directories walked whole, and single files. */
const INPUTS = ['src', 'scripts', 'cds-hooks', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
const STAMP = join(ROOT, 'dist', 'build-stamp.json');
const ENTRY = join(ROOT, 'dist', 'src', 'main.js');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** Every input file (relative, `/`-separated, sorted), dot files left out. */
function inputFiles() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  for (const input of INPUTS) {
    const path = join(ROOT, input);
    if (!existsSync(path)) continue;
    if (statSync(path).isDirectory()) walk(input);
    else files.push(input);
  }
  return files.sort();
}

/** SHA-256 over each input's path, length and bytes. */
function inputsHash() {
  const hash = createHash('sha256');
  for (const file of inputFiles()) {
    const bytes = readFileSync(join(ROOT, file));
    hash.update(`${file}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

function readStamp() {
  try {
    const stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
    return typeof stamp?.inputs === 'string' ? stamp : undefined;
  } catch {
    return undefined;
  }
}

function fail(message) {
  process.stderr.write(`prenatal-cds: ${message}\n`);
  process.exit(1);
}

function run(args, what) {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) fail(`${what} failed (exit ${r.status ?? r.signal})`);
}

/** Compiles, builds the PGlite template, then stamps dist/ with the hash taken before. */
function build(hash) {
  if (!existsSync(TSC)) {
    fail(
      'TypeScript is not installed here (a production install, `npm ci --omit=dev`), so dist/ cannot be built. ' +
        'Run `npm ci && npm run build` on a machine with the dev dependencies, or install the release tarball ' +
        '(`npm run release`; docs/deploy.md).',
    );
  }
  rmSync(STAMP, { force: true });
  run([TSC, '-p', join(ROOT, 'tsconfig.build.json')], 'tsc -p tsconfig.build.json');
  run([join(ROOT, 'dist', 'scripts', 'build-pglite-template.js')], 'the PGlite template');
  mkdirSync(dirname(STAMP), { recursive: true });
  const tmp = `${STAMP}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ inputs: hash, builtAt: new Date().toISOString() }, null, 2)}\n`);
  renameSync(tmp, STAMP);
}

function main() {
  const force = process.argv.includes('--force');
  const sourceTree = existsSync(join(ROOT, 'tsconfig.build.json'));
  if (!sourceTree) {
    // A release tree: built where it was packed, no sources to compare with.
    if (readStamp() && existsSync(ENTRY)) return;
    fail('dist/ is missing from this tree and there are no sources to build it from: unpack the release tarball again (docs/deploy.md).');
  }
  const hash = inputsHash();
  const stamp = readStamp();
  if (!force && stamp?.inputs === hash && existsSync(ENTRY)) return;
  if (!force && !existsSync(TSC)) {
    fail(
      `dist/ is ${stamp ? 'stale (the sources changed since it was built)' : 'not built'} and TypeScript is not installed ` +
        '(a production install, `npm ci --omit=dev`). Run `npm ci && npm run build` on a machine with the dev ' +
        'dependencies, or install the release tarball (`npm run release`; docs/deploy.md).',
    );
  }
  if (!force) process.stderr.write(`prenatal-cds: dist/ is ${stamp ? 'stale' : 'not built'}; building\n`);
  build(hash);
}

main();
