import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { chown, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { descendants } from './process-tree.js';

/**
 * A throwaway PostgreSQL server for the store tests: a fresh cluster (initdb) in a temp dir,
 * listening only on a unix socket inside that dir, `fsync=on`, stopped and deleted after.
 * Binaries are found on PATH, then in /usr/lib/postgresql/<version>/bin (Debian). initdb and
 * postgres refuse to run as root, so as root they run as the `postgres` system user (runuser).
 */

export type PostgresAvailability =
  { readonly ok: true; readonly binDir: string; readonly runAs?: string } | { readonly ok: false; readonly reason: string };

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return dir;
  }
  return undefined;
}

function debianBinDirs(): string[] {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(base, v, 'bin'));
}

function userExists(name: string): boolean {
  return spawnSync('id', ['-u', name], { stdio: 'ignore' }).status === 0;
}

/** Finds the server binaries and a user to run them as; `ok: false` says why not. */
export function postgresAvailability(): PostgresAvailability {
  const binDir = [onPath('initdb'), ...debianBinDirs()].find(
    (d): d is string => d !== undefined && ['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(join(d, b))),
  );
  if (!binDir)
    return {
      ok: false,
      reason:
        'PostgreSQL server binaries (initdb, pg_ctl, postgres) not found on PATH or in /usr/lib/postgresql/*/bin; install Debian package "postgresql"',
    };
  if (process.getuid?.() !== 0) return { ok: true, binDir };
  if (!userExists('postgres')) return { ok: false, reason: 'running as root and no "postgres" system user to run initdb/postgres as' };
  if (!onPath('runuser')) return { ok: false, reason: 'running as root and "runuser" (util-linux) is not available' };
  return { ok: true, binDir, runAs: 'postgres' };
}

export interface PostgresServer {
  /** Connection string for a database (default `postgres`) over the unix socket. */
  url(database?: string): string;
  /** Crash: `pg_ctl stop -m immediate` (no checkpoint; recovery replays the WAL at next start). */
  crash(): void;
  /** Starts the server again on the same cluster (after `crash`). */
  start(): void;
  /** Stops the server and deletes the cluster. Idempotent. */
  stop(): void;
  /** Sends `signal` to the postmaster and every process of the cluster: SIGSTOP hangs the server, SIGCONT resumes it. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void;
}

/** Starts a throwaway cluster; throws with the reason if PostgreSQL is unavailable. */
export async function startPostgres(): Promise<PostgresServer> {
  const found = postgresAvailability();
  if (!found.ok) throw new Error(`PostgreSQL test server unavailable: ${found.reason}`);
  const { binDir, runAs } = found;
  const root = mkdtempSync(join(tmpdir(), 'pgcds-'));
  const dataDir = join(root, 'data');
  const sockDir = join(root, 'sock');
  await mkdir(sockDir);
  if (runAs) {
    const uid = Number(execFileSync('id', ['-u', runAs], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', runAs], { encoding: 'utf8' }).trim());
    await chown(root, uid, gid);
    await chown(sockDir, uid, gid);
  }
  const run = (bin: string, args: string[]): void => {
    const [cmd, argv] = runAs ? ['runuser', ['-u', runAs, '--', join(binDir, bin), ...args]] : [join(binDir, bin), args];
    const r = spawnSync(cmd, argv, { encoding: 'utf8', cwd: root, timeout: 120_000 });
    if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  };
  const port = 5432;
  const options = `-c listen_addresses='' -c unix_socket_directories='${sockDir}' -c port=${port} -c fsync=on -c synchronous_commit=on -c max_connections=50`;
  const pgCtl = (...args: string[]) => run('pg_ctl', ['-D', dataDir, ...args]);
  run('initdb', ['-D', dataDir, '-U', 'cds', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-instructions']);
  const start = () => pgCtl('-o', options, '-l', join(root, 'server.log'), '-w', '-t', '60', 'start');
  start();
  let stopped = false;
  return {
    url: (database = 'postgres') => `postgresql://cds@localhost/${database}?host=${encodeURIComponent(sockDir)}&port=${port}`,
    crash: () => pgCtl('-m', 'immediate', '-w', 'stop'),
    start,
    signal(signal) {
      const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      // The postmaster first: once it is stopped it forks no new backend.
      for (const pid of [postmaster, ...descendants(postmaster)]) process.kill(pid, signal);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        pgCtl('-m', 'fast', '-w', 'stop');
      } catch {
        // already down (crashed and not restarted): nothing to stop
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Why the PostgreSQL tests must be skipped here, or `undefined` to run them. In CI (`CI` set) a
 * missing server is never a skip: the tests run and fail with the reason from `startPostgres`.
 * Locally a skip is announced on stderr with the reason.
 */
export function postgresSkipReason(suite: string): string | undefined {
  const found = postgresAvailability();
  if (found.ok || process.env.CI) return undefined;
  console.warn(`[${suite}] PostgreSQL tests SKIPPED: ${found.reason}`);
  return found.reason;
}
