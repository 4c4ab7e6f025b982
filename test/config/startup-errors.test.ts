import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The real start path (`node --import tsx src/main.ts`): a problem at start is one line on stderr
 * naming the variable, never a secret, and the exit code is 1 (docs/policy.md#startup-errors).
 */
const ROOT = join(import.meta.dirname, '..', '..');
const NOBODY = 65534;

interface Started {
  readonly code: number;
  readonly stderr: string;
}

function start(env: Record<string, string>, asNobody = false): Promise<Started> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/main.ts')],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), TZ: 'UTC', LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', ...env },
        timeout: 90_000,
        ...(asNobody ? { uid: NOBODY, gid: NOBODY } : {}),
      },
      (err, _stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stderr }),
    );
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** The lines our start printed (the AUTH_MODE=off banner left out). */
const problems = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('prenatal-cds: '));

const tmp = mkdtempSync(join(tmpdir(), 'startup-errors-'));
const password = 'Zj-妇幼-S3cr3t';
let port = 0;
let db: Started;
let dataDir: Started;
let policy: Started;
let readOnly = '';

beforeAll(async () => {
  port = await closedPort();
  // A directory the server's user may enter but not write: as root (which may write anywhere), the
  // server runs as nobody.
  chmodSync(tmp, 0o755);
  readOnly = join(tmp, 'read-only');
  mkdirSync(readOnly, { mode: 0o555 });
  chmodSync(readOnly, 0o555);
  const policyFile = join(tmp, 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ AMA_AGE_YEARS: 17, NIPT_BMI_MAX: '四十' }));
  const root = process.getuid?.() === 0;
  [db, dataDir, policy] = await Promise.all([
    start({
      DATABASE_URL: `postgres://cds_app:${encodeURIComponent(password)}@127.0.0.1:${port}/prenatal_cds`,
      DB_CONNECT_TIMEOUT_MS: '2000',
    }),
    start({ DATA_DIR: join(readOnly, 'data') }, root),
    start({ POLICY_FILE: policyFile, QC_TOKENS: '{"qc-省级-token-0123456789": {"role": "province"}}' }),
  ]);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('start-up errors: one line per problem, naming the variable, exit 1', () => {
  it('DATABASE_URL unreachable: the URL with its password as ***, and the code', () => {
    expect(db.code).toBe(1);
    expect(problems(db.stderr)).toEqual([
      `prenatal-cds: DATABASE_URL: cannot connect to postgres://cds_app:***@127.0.0.1:${port}/prenatal_cds (ECONNREFUSED)`,
    ]);
    expect(db.stderr).not.toContain(password);
    expect(db.stderr).not.toContain(encodeURIComponent(password));
  });

  it('DATA_DIR not writable: the directory and the code', () => {
    expect(dataDir.code).toBe(1);
    expect(problems(dataDir.stderr)).toEqual([`prenatal-cds: DATA_DIR: ${join(readOnly, 'data')} is not writable (EACCES)`]);
  });

  it('POLICY_FILE with two violations: two lines naming the file and the fields', () => {
    const file = join(tmp, 'policy.json');
    expect(policy.code).toBe(1);
    expect(problems(policy.stderr)).toEqual([
      `prenatal-cds: configuration error: POLICY_FILE: ${file} at AMA_AGE_YEARS: Too small: expected number to be >=18`,
      `prenatal-cds: configuration error: POLICY_FILE: ${file} at NIPT_BMI_MAX: Invalid input: expected number, received string`,
    ]);
  });
});
