import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { releaseInstall } from './support/release-install.js';

/**
 * The release path of docs/deploy.md#release, end to end: `node scripts/release.mjs` (the steps the
 * Dockerfile's build stage runs) packs the tarball; it is unpacked into a temporary directory,
 * installed with `npm ci --omit=dev` from the npm cache this checkout's `npm ci` filled (`--offline`),
 * and started with `npm start` in production mode (PUBLIC_BASE_URL set, so JWT auth, a trusted
 * issuer whose key this test made). Nothing is written into the checkout: the tarball goes to the
 * temporary directory (`--out`), the build to a staging directory of the script's own. The tarball
 * and its install are shared with test/release/deploy-walk.test.ts (test/release/support/release-install.ts:
 * built once per source hash, installed with `--offline`).
 * Runs in the tz-shanghai project only (test/release is not date-sensitive; vitest.config.ts).
 */
const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'cds-hooks', 'examples', 'prenatal-diagnosis-referral.json');
const PUBLIC_BASE_URL = 'https://cds.example.org';
const ISS = 'https://ehr.example.cn/oauth';
const run = promisify(execFile);

describe('release tarball (npm run release → unpack → npm ci --omit=dev → npm start)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prenatal-cds-tarball-'));
  let app = '';
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  let tarball = '';
  let server: ChildProcess | undefined;
  let output = '';
  let base = '';
  let port = 0;
  let signingKey: CryptoKey;

  beforeAll(async () => {
    ({ tarball, app } = await releaseInstall());

    const { privateKey, publicKey } = await generateKeyPair('ES384');
    signingKey = privateKey;
    const issuers = [
      {
        iss: ISS,
        jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'ehr-1', alg: 'ES384', use: 'sig' }] },
        fhirServers: ['https://ehr.example.cn/fhir'],
      },
    ];
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // Production-like and nothing of this test run's environment (DATABASE_URL, AUTH_MODE …).
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      NODE_ENV: 'production',
      npm_config_update_notifier: 'false',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL,
      TRUSTED_ISSUERS: JSON.stringify(issuers),
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'info',
    };
    mkdirSync(join(dir, 'data'));
    // Its own process group (npm → sh → node), stopped as one in afterAll.
    const child = spawn('npm', ['start'], { cwd: app, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    server = child;
    await new Promise<void>((resolve, reject) => {
      const seen = (b: Buffer): void => {
        output += b.toString();
        if (output.includes('prenatal-cds listening')) resolve();
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
    });
  }, 400_000);

  afterAll(async () => {
    if (server?.pid !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      process.kill(-server.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('is release/prenatal-cds-<version>.tgz with its SHA-256, holding only what production needs', async () => {
    expect(basename(tarball)).toBe(`prenatal-cds-${version}.tgz`);
    expect(readFileSync(`${tarball}.sha256`, 'utf8')).toMatch(new RegExp(`^[0-9a-f]{64}  prenatal-cds-${version}\\.tgz\\n$`));
    const { stdout } = await run('tar', ['-tzf', tarball], { maxBuffer: 16 * 1024 * 1024 });
    const files = stdout.trim().split('\n');
    for (const needed of [
      'package/package.json',
      'package/npm-shrinkwrap.json',
      'package/dist/build-stamp.json',
      'package/dist/src/main.js',
      'package/dist/src/cli/main.js',
      'package/cds-hooks/services/prenatal-diagnosis-referral.json',
      'package/src/fhir/r4-shapes.json',
      'package/src/qc-dashboard/assets/index.html',
      'package/scripts/build-if-stale.mjs',
      'package/scripts/healthcheck.mjs',
      'package/docs/deploy.md',
    ]) {
      expect(files).toContain(needed);
    }
    expect(files.filter((f) => f.startsWith('package/dist/pglite-template/') && f.endsWith('.tar.gz'))).toHaveLength(1);
    // No sources, tests, build-only scripts or local data.
    expect(files.filter((f) => /^package\/(src\/.*\.ts|test\/|dist\/scripts\/|data\/|node_modules\/|tsconfig)/.test(f))).toEqual([]);
  });

  it('installs no devDependency: no TypeScript, so `npm start` did not build', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(Object.keys(pkg.devDependencies)).toContain('typescript');
    expect(Object.keys(pkg.devDependencies).filter((name) => existsSync(join(app, 'node_modules', name)))).toEqual([]);
    expect(output).not.toContain('building');
    expect(output).not.toContain('tsc: not found');
  });

  it('is ready (/readyz) and lists its services (/cds-services)', async () => {
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    const res = await fetch(`${base}/cds-services`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { services: { id: string }[] };
    expect(body.services.map((s) => s.id)).toEqual(
      expect.arrayContaining([
        'prenatal-diagnosis-referral',
        'prenatal-diagnosis-referral-encounter',
        'nipt-order-check',
        'special-technique-order-sign',
      ]),
    );
  });

  it('runs in production mode: a hook call without a JWT is 401, with the EHR’s signed JWT it gets a card', async () => {
    const url = `${base}/cds-services/prenatal-diagnosis-referral`;
    const body = readFileSync(EXAMPLE);
    const anonymous = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(anonymous.status).toBe(401);
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: 'ehr-1' })
      .setIssuer(ISS)
      .setSubject('ehr-client-1')
      .setAudience(`${PUBLIC_BASE_URL}/cds-services/prenatal-diagnosis-referral`)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(signingKey);
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` }, body });
    expect(res.status, output).toBe(200);
    const answer = (await res.json()) as { cards: { summary: string }[] };
    expect(answer.cards.length).toBeGreaterThan(0);
  });

  it('passes the container health check (scripts/healthcheck.mjs, node only)', async () => {
    const { stderr } = await run(process.execPath, [join('scripts', 'healthcheck.mjs')], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1' },
    });
    expect(stderr).toContain('readyz: 200');
    const nobody = await freePort();
    const failed = await run(process.execPath, [join('scripts', 'healthcheck.mjs')], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', PORT: String(nobody), HOST: '127.0.0.1' },
    }).then(
      () => undefined,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('ECONNREFUSED');
  });
});
