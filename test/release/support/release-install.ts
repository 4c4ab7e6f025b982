import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { SOURCES } from '../../../scripts/release.mjs';

/**
 * The release tarball built and installed once for every test that needs it
 * (test/release/release-tarball.test.ts, test/release/deploy-walk.test.ts): `node scripts/release.mjs`
 * packs it, and it is installed as docs/deploy.md#install does — unpacked with
 * `tar -xzf … --strip-components=1 -C <dir>`, then `npm ci --omit=dev --no-audit --no-fund`, offline
 * (npm's cache holds every package after this checkout's `npm ci`). The result is kept in the
 * temporary directory, keyed by a SHA-256 of what the release reads (scripts/release.mjs SOURCES), so a
 * second test file — in the same run or the next — reuses it; an exclusive lock directory keeps two
 * test processes from building it at once. The installed tree is only read (each service gets its
 * own DATA_DIR or database).
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const run = promisify(execFile);
const CACHE_PREFIX = 'prenatal-cds-release-';
/** Older cached builds than this are removed when a new one is made. */
const KEEP_MS = 30 * 60 * 1000;
/** How long a test waits for another process's build before taking it over. */
const WAIT_MS = 10 * 60 * 1000;

/** The install commands of docs/deploy.md#install, as argv (test/release/deploy-walk.test.ts compares). */
export const INSTALL_COMMANDS = {
  unpack: (tarball: string, dir: string) => ['tar', '-xzf', tarball, '--strip-components=1', '-C', dir],
  npmCi: ['npm', 'ci', '--omit=dev', '--no-audit', '--no-fund'],
} as const;

export interface ReleaseInstall {
  /** release/prenatal-cds-<version>.tgz (its `.sha256` beside it). */
  readonly tarball: string;
  /** The unpacked, installed tree (`/opt/prenatal-cds` of docs/deploy.md#install). */
  readonly app: string;
  /** What the release script printed on stderr. */
  readonly releaseLog: string;
  /** `offline` when `npm ci --offline` sufficed; `prefer-offline` when the cache lacked something. */
  readonly npmMode: 'offline' | 'prefer-offline';
}

function sourcesHash(): string {
  const hash = createHash('sha256');
  const add = (rel: string): void => {
    const path = join(ROOT, rel);
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) if (!name.startsWith('.')) add(`${rel}/${name}`);
    } else {
      const bytes = readFileSync(path);
      hash.update(`${rel}\0${bytes.length}\0`);
      hash.update(bytes);
    }
  };
  for (const source of SOURCES) add(source);
  hash.update(process.version);
  return hash.digest('hex').slice(0, 20);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid in the lock directory, or undefined while its owner has not written it yet. */
function lockOwner(lock: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(lock, 'pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function readDone(dir: string): ReleaseInstall | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'install.json'), 'utf8')) as ReleaseInstall;
  } catch {
    return undefined;
  }
}

function removeOldBuilds(keep: string): void {
  for (const name of readdirSync(tmpdir())) {
    const path = join(tmpdir(), name);
    if (!name.startsWith(CACHE_PREFIX) || path === keep || name.endsWith('.lock')) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > KEEP_MS && !existsSync(`${path}.lock`)) rmSync(path, { recursive: true, force: true });
    } catch {
      // another process removed it first
    }
  }
}

async function build(dir: string): Promise<ReleaseInstall> {
  const work = `${dir}.building-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  const app = join(work, 'app');
  mkdirSync(app, { recursive: true });
  const { stderr } = await run(process.execPath, [join(ROOT, 'scripts', 'release.mjs'), '--out', join(work, 'out')], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  const built = /release: (\S+\.tgz) /.exec(stderr)?.[1];
  if (!built) throw new Error(`release script printed no tarball:\n${stderr}`);
  const [tar, ...tarArgs] = INSTALL_COMMANDS.unpack(built, app);
  await run(tar!, tarArgs);
  const [npm, ...npmArgs] = INSTALL_COMMANDS.npmCi;
  const opts = { cwd: app, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } };
  let npmMode: ReleaseInstall['npmMode'] = 'offline';
  try {
    await run(npm!, [...npmArgs, '--offline'], opts);
  } catch (e) {
    // The lock file records no `resolved` URLs: a package whose metadata npm's cache lacks needs the registry.
    console.warn(`[release-install] npm ci --offline failed, retrying with --prefer-offline: ${(e as { stderr?: string }).stderr ?? e}`);
    npmMode = 'prefer-offline';
    await run(npm!, [...npmArgs, '--prefer-offline'], opts);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  const rel = (p: string): string => p.replace(work, dir);
  const result: ReleaseInstall = { tarball: rel(built), app: join(dir, 'app'), releaseLog: stderr, npmMode };
  writeFileSync(join(dir, 'install.json'), JSON.stringify(result));
  return result;
}

/** The release tarball and its production install, built now or reused from an earlier build of the same sources. */
export async function releaseInstall(): Promise<ReleaseInstall> {
  const dir = join(tmpdir(), `${CACHE_PREFIX}${sourcesHash()}`);
  const lock = `${dir}.lock`;
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const done = readDone(dir);
    if (done) return done;
    try {
      mkdirSync(lock);
    } catch {
      // Another process builds it: wait for its result, or take over if it died.
      const owner = lockOwner(lock);
      if ((owner !== undefined && !pidAlive(owner)) || Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      else await sleep(500);
      continue;
    }
    try {
      writeFileSync(join(lock, 'pid'), String(process.pid));
      removeOldBuilds(dir);
      return readDone(dir) ?? (await build(dir));
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
