/**
 * Runs SUSHI (fsh-sushi's own API, the steps of `sushi build`) with no network: the FHIR package
 * cache is a project-local directory instead of `~/.fhir/packages` (SUSHI hard-codes
 * `os.homedir()`, but `createFHIRDefinitions` accepts a package cache and registry client), and the
 * registry / build.fhir.org clients answer from that cache only. A dependency not in the cache —
 * SUSHI's automatic `hl7.terminology.r4`, `hl7.fhir.uv.extensions.r4`, `hl7.fhir.uv.tools.r4` at
 * `latest` — fails at once with a warning, listed in `sushi-ignoreWarnings.txt`. The SUSHI version
 * check (npm registry) is never called.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const sushi = require('fsh-sushi');
const { IGExporter } = require('fsh-sushi/dist/ig');
const { DiskBasedPackageCache } = createRequire(require.resolve('fsh-sushi'))('fhir-package-loader');

const CONCRETE_VERSION = /^\d+\.\d+\.\d+(-[\w.]+)?$/;

function cachedVersions(cacheDir, name) {
  if (!existsSync(cacheDir)) return [];
  return readdirSync(cacheDir)
    .filter((d) => d.startsWith(`${name}#`))
    .map((d) => d.slice(name.length + 1))
    .filter((v) => CONCRETE_VERSION.test(v))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** A registry client that resolves `latest` from the local cache and never downloads. */
export function offlineRegistryClient(cacheDir) {
  return {
    async resolveVersion(name, version) {
      if (CONCRETE_VERSION.test(version)) return version;
      const local = cachedVersions(cacheDir, name).at(-1);
      if (version === 'latest' && local) return local;
      throw new Error(`offline build: ${name}#${version} is not in the local FHIR package cache ${cacheDir}`);
    },
    async download(name, version) {
      throw new Error(`offline build: ${name}#${version} is not in the local FHIR package cache ${cacheDir}`);
    },
  };
}

const offlineBuildClient = {
  async downloadCurrentBuild(name) {
    throw new Error(`offline build: no current build of ${name}`);
  },
  async getCurrentBuildDate(name) {
    throw new Error(`offline build: no current build of ${name}`);
  },
};

function ignoredWarnings(projectDir) {
  const file = join(projectDir, 'sushi-ignoreWarnings.txt');
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/**
 * Builds the SUSHI project in `projectDir` (sushi-config.yaml + input/fsh) into
 * `<outDir>/fsh-generated/resources`, with snapshots (the @medplum/core validator needs them), and
 * the ImplementationGuide resource when the config names the package (`id`).
 * @param {{ projectDir: string, outDir: string, cacheDir: string, logLevel?: string }} options
 * @returns {Promise<{ errors: { message: string }[], warnings: { message: string }[], count: number }>}
 */
export async function runSushiOffline({ projectDir, outDir, cacheDir, logLevel = 'warn' }) {
  const { utils, fhirdefs, sushiExport } = sushi;
  utils.logger.level = logLevel;
  utils.errorsAndWarnings.reset();
  utils.errorsAndWarnings.shouldTrack = true;
  const ignored = ignoredWarnings(projectDir);
  if (ignored) utils.setIgnoredWarnings(ignored);

  const config = utils.readConfig(projectDir);
  const tank = utils.fillTank(utils.getRawFSHes(join(projectDir, 'input', 'fsh')), config);
  tank.checkDuplicateNameEntities();

  const log = (level, message) => utils.logger.log(level, message);
  const defs = await fhirdefs.createFHIRDefinitions({
    packageCache: new DiskBasedPackageCache(cacheDir, { log }),
    registryClient: offlineRegistryClient(cacheDir),
    currentBuildClient: offlineBuildClient,
  });
  await utils.loadExternalDependencies(defs, config);
  defs.optimize();
  if (defs.fishForFHIR('StructureDefinition', utils.Type.Resource) == null) {
    throw new Error(`FHIR R4 core not found in ${cacheDir}; run scripts/build-fhir-package-cache.mjs`);
  }
  const outPackage = sushiExport.exportFHIR(tank, defs);
  utils.ensureOutputDir(join(projectDir, 'input', 'fsh'), outDir);
  utils.writeFHIRResources(outDir, outPackage, defs, true);
  if (config.id) {
    // The ImplementationGuide resource for the FHIR package (docs/design.md#fhir-package), as `sushi
    // build` writes it without `FSHOnly`. `FSHOnly: true` stays on: with it SUSHI stamps the
    // config's `version` on every resource (otherwise left to the IG Publisher, which we do not
    // run). The IG Publisher's page sources (fsh-generated/includes) are dropped: no IG site.
    new IGExporter(outPackage, defs, projectDir).export(outDir);
    rmSync(join(outDir, 'fsh-generated', 'includes'), { recursive: true, force: true });
  }
  const count = readdirSync(join(outDir, 'fsh-generated', 'resources')).length;
  return { errors: [...utils.errorsAndWarnings.errors], warnings: [...utils.errorsAndWarnings.warnings], count };
}

export const SUSHI_VERSION = JSON.parse(readFileSync(join(dirname(require.resolve('fsh-sushi')), '..', 'package.json'), 'utf8')).version;
