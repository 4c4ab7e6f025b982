import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * scripts/build-if-stale.mjs (docs/deploy.md#build) in a small tree of its own: `npm run build`
 * (`--force`) builds and stamps dist/; `npm start`'s prestart builds only when an input changed,
 * and without TypeScript (a production install) says what to do instead of `tsc: not found`.
 * The TypeScript here is a stand-in that writes dist/src/main.js and counts its runs, so the test
 * sees exactly when a build happens.
 */
const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'build-if-stale.mjs');
const run = promisify(execFile);

/** Stand-in `tsc -p <tsconfig>`: writes the build's two outputs and appends to tsc-runs. */
const FAKE_TSC = `
const { appendFileSync, mkdirSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const root = dirname(process.argv[process.argv.indexOf('-p') + 1]);
mkdirSync(join(root, 'dist', 'src'), { recursive: true });
mkdirSync(join(root, 'dist', 'scripts'), { recursive: true });
writeFileSync(join(root, 'dist', 'src', 'main.js'), '');
writeFileSync(join(root, 'dist', 'scripts', 'build-pglite-template.js'), '');
appendFileSync(join(root, 'tsc-runs'), 'run\\n');
`;

interface Outcome {
  readonly code: number;
  readonly stderr: string;
}

describe('scripts/build-if-stale.mjs', () => {
  const tree = mkdtempSync(join(tmpdir(), 'prenatal-cds-stale-'));
  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  const write = (path: string, text: string): void => {
    mkdirSync(join(tree, path, '..'), { recursive: true });
    writeFileSync(join(tree, path), text);
  };
  const tscRuns = (): number => {
    try {
      return readFileSync(join(tree, 'tsc-runs'), 'utf8').split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };
  const start = async (...args: string[]): Promise<Outcome> =>
    run(process.execPath, [join(tree, 'scripts', 'build-if-stale.mjs'), ...args], { cwd: tree }).then(
      ({ stderr }) => ({ code: 0, stderr }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );

  write('package.json', JSON.stringify({ name: 'prenatal-cds', version: '0.0.0' }));
  write('package-lock.json', '{}');
  write('tsconfig.json', '{}');
  write('tsconfig.build.json', '{}');
  write('src/main.ts', "export const 患者 = '张丽';\n");
  write('cds-hooks/messages/zh-CN.json', '{"title":"产前诊断"}');
  mkdirSync(join(tree, 'scripts'));
  copyFileSync(SCRIPT, join(tree, 'scripts', 'build-if-stale.mjs'));
  write('node_modules/typescript/bin/tsc', FAKE_TSC);

  it('without TypeScript and without dist/, refuses with what to do (not `tsc: not found`)', async () => {
    rmSync(join(tree, 'node_modules', 'typescript'), { recursive: true });
    const r = await start();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('dist/ is not built and TypeScript is not installed');
    expect(r.stderr).toContain('npm ci && npm run build');
    expect(r.stderr).not.toContain('tsc: not found');
    write('node_modules/typescript/bin/tsc', FAKE_TSC);
  });

  it('`npm run build` (--force) builds and stamps dist/ with the inputs’ hash', async () => {
    expect(await start('--force')).toEqual({ code: 0, stderr: '' });
    expect(tscRuns()).toBe(1);
    const stamp = JSON.parse(readFileSync(join(tree, 'dist', 'build-stamp.json'), 'utf8')) as { inputs: string };
    expect(stamp.inputs).toMatch(/^[0-9a-f]{64}$/);
  });

  it('prestart on a current tree builds nothing', async () => {
    expect(await start()).toEqual({ code: 0, stderr: '' });
    expect(tscRuns()).toBe(1);
  });

  it('rebuilds when a source, a message catalogue or the lock file changed; a dot file or dist/ does not count', async () => {
    write('src/.editor-swap', 'x');
    write('dist/src/other.js', '');
    expect((await start()).code).toBe(0);
    expect(tscRuns()).toBe(1);

    write('src/main.ts', "export const 患者 = '李娜';\n");
    expect(await start()).toEqual({ code: 0, stderr: 'prenatal-cds: dist/ is stale; building\n' });
    expect(tscRuns()).toBe(2);
    write('cds-hooks/messages/zh-CN.json', '{"title":"产前诊断建议"}');
    expect((await start()).code).toBe(0);
    expect(tscRuns()).toBe(3);
    write('package-lock.json', '{"lockfileVersion":3}');
    expect((await start()).code).toBe(0);
    expect(tscRuns()).toBe(4);
    expect((await start()).code).toBe(0);
    expect(tscRuns()).toBe(4);
  });

  it('a stale dist/ on a production install (no TypeScript) is a clear error, and nothing is built', async () => {
    rmSync(join(tree, 'node_modules', 'typescript'), { recursive: true });
    write('src/new-rule.ts', 'export const rule = 1;\n');
    const r = await start();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('dist/ is stale (the sources changed since it was built) and TypeScript is not installed');
    expect(r.stderr).toContain('docs/deploy.md');
    expect(tscRuns()).toBe(4);
  });

  it('a release tree (no sources, no tsconfig.build.json) starts as built with its stamp, and refuses without it', async () => {
    rmSync(join(tree, 'tsconfig.build.json'));
    expect(await start()).toEqual({ code: 0, stderr: '' });
    rmSync(join(tree, 'dist', 'build-stamp.json'));
    const r = await start();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('dist/ is missing from this tree and there are no sources to build it from');
  });
});
