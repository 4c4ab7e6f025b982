#!/usr/bin/env node
/**
 * Builds fhir-profiles/ offline: (1) the FHIR R4 core package cache (build-fhir-package-cache.mjs),
 * (2) `input/fsh/data-element-valuesets.fsh` from `src/clinical/value-sets/catalogue.ts`
 * (gen-valueset-fsh.ts, via tsx) when the catalogue exists, (3) SUSHI into a staging folder, and on
 * success only, (4) replaces `<out>/fsh-generated` (default `fhir-profiles/`, committed).
 *
 * Usage: node scripts/build-profiles.mjs [--out <dir>] [--skip-valuesets] [--verbose]
 * Exit status 1 on any SUSHI error or on a warning not listed in sushi-ignoreWarnings.txt.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { buildFhirPackageCache, FHIR_CACHE_DIR, REPO_ROOT } from './build-fhir-package-cache.mjs';
import { runSushiOffline, SUSHI_VERSION } from './lib/offline-sushi.mjs';

export const PROFILES_DIR = join(REPO_ROOT, 'fhir-profiles');
const CATALOGUE = join(REPO_ROOT, 'src', 'clinical', 'value-sets', 'catalogue.ts');

function parseArgs(argv) {
  const outIndex = argv.indexOf('--out');
  return {
    out: outIndex >= 0 && argv[outIndex + 1] ? resolve(argv[outIndex + 1]) : PROFILES_DIR,
    skipValueSets: argv.includes('--skip-valuesets'),
    verbose: argv.includes('--verbose'),
  };
}

function generateValueSetFsh() {
  if (!existsSync(CATALOGUE)) {
    process.stdout.write('value-set catalogue not found; data-element-valuesets.fsh left as is\n');
    return;
  }
  execFileSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'gen-valueset-fsh.ts')], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
}

/** @param {string[]} argv */
export async function main(argv) {
  const args = parseArgs(argv);
  buildFhirPackageCache();
  if (!args.skipValueSets) generateValueSetFsh();
  const staging = mkdtempSync(join(tmpdir(), 'prenatal-cds-sushi-'));
  try {
    const result = await runSushiOffline({
      projectDir: PROFILES_DIR,
      outDir: staging,
      cacheDir: FHIR_CACHE_DIR,
      logLevel: args.verbose ? 'info' : 'warn',
    });
    if (result.errors.length > 0 || result.warnings.length > 0) {
      process.stderr.write(
        `SUSHI ${SUSHI_VERSION}: ${result.errors.length} error(s), ${result.warnings.length} warning(s); output not written\n`,
      );
      return 1;
    }
    const target = join(args.out, 'fsh-generated');
    rmSync(target, { recursive: true, force: true });
    cpSync(join(staging, 'fsh-generated'), target, { recursive: true });
    process.stdout.write(`SUSHI ${SUSHI_VERSION}: ${result.count} resources written to ${target}\n`);
    return 0;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
