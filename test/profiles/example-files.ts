import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { packageRoot } from '../../src/package-root.js';

export const EXAMPLES_DIR = join(packageRoot(), 'fhir-profiles', 'examples');

export interface ExpectedFailure {
  readonly breaks: string;
  readonly profile: string;
  readonly errors: readonly { readonly path: string; readonly message: string }[];
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** `fhir-profiles/examples/valid/*.json`, by file name. */
export function validExamples(): [string, Resource][] {
  const dir = join(EXAMPLES_DIR, 'valid');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, readJson<Resource>(join(dir, f))]);
}

/** `fhir-profiles/examples/invalid/<name>.json` with its `<name>.expected.json`. */
export function invalidExamples(): [string, Resource, ExpectedFailure][] {
  const dir = join(EXAMPLES_DIR, 'invalid');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
    .sort()
    .map((f) => [f, readJson<Resource>(join(dir, f)), readJson<ExpectedFailure>(join(dir, f.replace(/\.json$/, '.expected.json')))]);
}
