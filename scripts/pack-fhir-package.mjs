#!/usr/bin/env node
/**
 * `npm run profiles:package`: the FHIR package of the profiles (docs/design.md#fhir-package),
 * release/fhir/<name>-<version>.tgz, from the committed SUSHI output
 * (fhir-profiles/fsh-generated/resources; rebuild it with `npm run profiles:build`). Nothing is
 * generated here but the package manifest and index:
 *
 *   package/package.json   name, version, canonical, fhirVersions, dependencies — from SUSHI's
 *                          ImplementationGuide resource (itself from sushi-config.yaml)
 *   package/.index.json    one entry per resource: filename, resourceType, id, url, version, kind, type
 *   package/<Type>-<id>.json  every StructureDefinition (profiles, extensions), CodeSystem, ValueSet
 *                          and the ImplementationGuide, byte for byte as SUSHI wrote them
 *
 * Layout: https://hl7.org/fhir/packages.html. The archive is reproducible (scripts/lib/tar-gz.mjs);
 * its SHA-256 is written beside it. Refuses (exit 1) a resource directory the ImplementationGuide
 * does not describe exactly, a resource outside the canonical or of another version.
 * Usage: node scripts/pack-fhir-package.mjs [--out <dir>] [--resources <dir>]
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { indexEntry, REPO_ROOT } from './build-fhir-package-cache.mjs';
import { DEFAULT_MTIME, tarGz } from './lib/tar-gz.mjs';

export const RESOURCES_DIR = join(REPO_ROOT, 'fhir-profiles', 'fsh-generated', 'resources');
export const OUT_DIR = join(REPO_ROOT, 'release', 'fhir');

/** The core package each FHIR version depends on. */
const CORE_PACKAGES = { '4.0.1': 'hl7.fhir.r4.core' };

function fail(message) {
  throw new Error(`profiles:package: ${message}`);
}

/** Every `*.json` of the SUSHI output, checked to be named `<resourceType>-<id>.json`. */
function readResources(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((filename) => {
      const bytes = readFileSync(join(dir, filename));
      const resource = JSON.parse(bytes.toString('utf8'));
      if (filename !== `${resource.resourceType}-${resource.id}.json`) fail(`${filename} holds ${resource.resourceType}/${resource.id}`);
      return { filename, bytes, resource };
    });
}

/** The one ImplementationGuide, and the canonical base its URL is built on. */
function implementationGuide(files) {
  const igs = files.filter((f) => f.resource.resourceType === 'ImplementationGuide').map((f) => f.resource);
  if (igs.length !== 1) fail(`expected one ImplementationGuide, found ${igs.length} (run npm run profiles:build)`);
  const ig = igs[0];
  const suffix = `/ImplementationGuide/${ig.id}`;
  if (!ig.packageId || !ig.version || !ig.url?.endsWith(suffix)) fail(`ImplementationGuide/${ig.id} lacks packageId, version or url`);
  return { ig, canonical: ig.url.slice(0, -suffix.length) };
}

/** The ImplementationGuide lists exactly the other resources; all are ours and of its version. */
function checkConsistent(files, ig, canonical) {
  const listed = (ig.definition?.resource ?? []).map((r) => r.reference?.reference).sort();
  const present = files
    .filter((f) => f.resource !== ig)
    .map((f) => `${f.resource.resourceType}/${f.resource.id}`)
    .sort();
  if (JSON.stringify(listed) !== JSON.stringify(present))
    fail('the ImplementationGuide does not list exactly the resources (run npm run profiles:build)');
  for (const { filename, resource } of files) {
    if (resource.url && !resource.url.startsWith(`${canonical}/`)) fail(`${filename}: url ${resource.url} is outside ${canonical}`);
    if (resource.version !== undefined && resource.version !== ig.version)
      fail(`${filename}: version ${resource.version}, package ${ig.version}`);
  }
}

/** package.json (FHIR package manifest) from the ImplementationGuide. */
export function manifest(ig, canonical) {
  const dependencies = {};
  for (const v of ig.fhirVersion ?? []) {
    if (!CORE_PACKAGES[v]) fail(`FHIR version ${v} is not supported`);
    dependencies[CORE_PACKAGES[v]] = v;
  }
  for (const d of ig.dependsOn ?? []) dependencies[d.packageId] = d.version;
  const coding = ig.jurisdiction?.[0]?.coding?.[0];
  return {
    name: ig.packageId,
    version: ig.version,
    type: 'fhir.ig',
    canonical,
    url: canonical,
    title: ig.title,
    description: ig.description,
    fhirVersions: ig.fhirVersion,
    dependencies,
    author: ig.publisher,
    ...(coding ? { jurisdiction: `${coding.system}#${coding.code}` } : {}),
  };
}

/**
 * Packs the resources of `resourcesDir` into `<outDir>/<name>-<version>.tgz`.
 * @param {{ resourcesDir?: string, outDir?: string, mtime?: number }} [options]
 */
export function packFhirPackage({ resourcesDir = RESOURCES_DIR, outDir = OUT_DIR, mtime = DEFAULT_MTIME } = {}) {
  const files = readResources(resourcesDir);
  const { ig, canonical } = implementationGuide(files);
  checkConsistent(files, ig, canonical);
  const pkg = manifest(ig, canonical);
  const index = { 'index-version': 1, files: files.map((f) => indexEntry(f.filename, f.resource)) };
  const archive = tarGz(
    [
      { path: 'package/package.json', data: `${JSON.stringify(pkg, null, 2)}\n` },
      { path: 'package/.index.json', data: `${JSON.stringify(index, null, 2)}\n` },
      ...files.map((f) => ({ path: `package/${f.filename}`, data: f.bytes })),
    ],
    { mtime },
  );
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${pkg.name}-${pkg.version}.tgz`);
  writeFileSync(`${file}.tmp-${process.pid}`, archive);
  renameSync(`${file}.tmp-${process.pid}`, file);
  const sha256 = createHash('sha256').update(archive).digest('hex');
  writeFileSync(`${file}.sha256`, `${sha256}  ${basename(file)}\n`);
  return { file, name: pkg.name, version: pkg.version, resources: files.length, bytes: archive.length, sha256 };
}

function parseArgs(argv) {
  const value = (flag) => {
    const at = argv.indexOf(flag);
    return at >= 0 && argv[at + 1] ? resolve(argv[at + 1]) : undefined;
  };
  const epoch = process.env.SOURCE_DATE_EPOCH ? Number(process.env.SOURCE_DATE_EPOCH) : NaN;
  return {
    outDir: value('--out'),
    resourcesDir: value('--resources'),
    mtime: Number.isInteger(epoch) && epoch >= 0 ? epoch : undefined,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const r = packFhirPackage(parseArgs(process.argv.slice(2)));
    process.stdout.write(`${r.file}: ${r.name}#${r.version}, ${r.resources} resources, ${r.bytes} bytes, sha256 ${r.sha256}\n`);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
