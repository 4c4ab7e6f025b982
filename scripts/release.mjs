/**
 * `npm run release`: the release tarball, release/prenatal-cds-<version>.tgz (docs/deploy.md#release).
 * The Dockerfile's build stage runs this same script after `npm ci`; its steps:
 *
 * 1. copy SOURCES into a clean staging directory (no stale dist/, nothing of data/ or release/),
 *    with this tree's node_modules (a full `npm ci`, dev dependencies included) linked in;
 * 2. `npm run build` there: type check and compile, the PGlite template, the build stamp
 *    (scripts/build-if-stale.mjs);
 * 3. package-lock.json copied to npm-shrinkwrap.json, which `npm pack` keeps (it leaves
 *    package-lock.json out) and `npm ci` installs from;
 * 4. `npm pack` of the package.json "files" (dist/src, the dashboard assets, the service definitions,
 *    the R4 shape table, the PGlite template, the start scripts, README, docs) into release/,
 *    with its SHA-256 beside it.
 *
 * Production install (docs/deploy.md#install): unpack, `npm ci --omit=dev`, `npm start`
 * (or `node dist/src/main.js`). Usage: `node scripts/release.mjs [--out <dir>]`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import process from 'node:process';

/** What the build reads; the Dockerfile's build stage copies the same (test/release/dockerfile-static.test.ts). */
export const SOURCES = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'README.md',
  'docs',
  'src',
  'scripts',
  'cds-hooks',
];

const ROOT = dirname(import.meta.dirname);

function step(what, command, args, cwd) {
  process.stderr.write(`release: ${what}\n`);
  const r = spawnSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`release: ${what} failed (exit ${r.status ?? r.signal})\n${r.stdout}`);
  return r.stdout;
}

/** Builds and packs; returns the tarball's path. */
export function release(outDir = join(ROOT, 'release')) {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const staging = mkdtempSync(join(tmpdir(), 'prenatal-cds-release-'));
  try {
    for (const source of SOURCES) cpSync(join(ROOT, source), join(staging, source), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(staging, 'node_modules'), 'dir');
    step('npm run build', 'npm', ['run', 'build', '--silent'], staging);
    copyFileSync(join(staging, 'package-lock.json'), join(staging, 'npm-shrinkwrap.json'));
    mkdirSync(outDir, { recursive: true });
    const packed = JSON.parse(step('npm pack', 'npm', ['pack', '--json', '--pack-destination', outDir], staging));
    const entry = packed[0];
    const tarball = join(outDir, entry.filename);
    const sha256 = createHash('sha256').update(readFileSync(tarball)).digest('hex');
    writeFileSync(`${tarball}.sha256`, `${sha256}  ${basename(tarball)}\n`);
    process.stderr.write(
      `release: ${tarball} (version ${version}, ${entry.entryCount} files, ${(entry.size / 1e6).toFixed(1)} MB packed, ` +
        `${(entry.unpackedSize / 1e6).toFixed(1)} MB unpacked)\n`,
    );
    return tarball;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const at = process.argv.indexOf('--out');
  try {
    release(at > 0 && process.argv[at + 1] ? resolve(process.argv[at + 1]) : undefined);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
