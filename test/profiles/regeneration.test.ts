import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
import { GENERATED_RESOURCES_DIR } from '../support/fhir-validate.js';

const run = promisify(execFile);
const ROOT = packageRoot();

function files(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );
}

describe('fhir-profiles/fsh-generated', () => {
  const out = mkdtempSync(join(tmpdir(), 'prenatal-cds-regen-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is exactly what the offline SUSHI build produces from the FSH sources', async () => {
    const { stdout } = await run(process.execPath, [join(ROOT, 'scripts', 'build-profiles.mjs'), '--out', out, '--skip-valuesets'], {
      cwd: ROOT,
      timeout: 170_000,
    });
    expect(stdout).toMatch(/resources written/);
    expect(files(join(out, 'fsh-generated', 'resources'))).toEqual(files(GENERATED_RESOURCES_DIR));
  }, 180_000);
});
