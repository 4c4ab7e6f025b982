import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * One process per embedded data directory (docs/design.md#data-dir-lock). PGlite is PostgreSQL in
 * one process with no lock of its own on its files: a second process on the same `DATA_DIR`
 * would not see the first one's writes and could corrupt the cluster. Opening the embedded store
 * therefore takes `DATA_DIR/prenatal-cds.lock`, created whole or not at all (written to a private
 * file, then hard-linked to the lock's name: `link` fails if the name exists), holding who holds
 * it. A lock whose process is gone (same host, pid not alive) is taken over; any other is refused
 * with a message naming the holder and what to do. Released on close and at process exit; on
 * SIGINT / SIGTERM / SIGHUP when nothing else handles the signal (the server drains and closes).
 */

/** The lock file's name inside `DATA_DIR`. */
export const LOCK_FILE = 'prenatal-cds.lock';

/** Who holds a data directory (the lock file's content). */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** The command line, shortened (what an operator recognises: `node dist/src/main.js`). */
  readonly command: string;
  /** When the holder took the lock (ISO 8601). */
  readonly startedAt: string;
  /** Tells this holding apart from an earlier one of the same pid. */
  readonly token: string;
}

/** A held lock. */
export interface DataDirLock {
  /** The lock file. */
  readonly path: string;
  /** The holder whose lock was taken over because its process was gone, if any. */
  readonly takenOver?: LockHolder;
  /** Deletes the lock file if it is still this holding's. Idempotent. */
  release(): void;
}

/** The data directory is held by another process (or already open in this one). */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly lockPath: string,
    readonly holder: LockHolder,
    readonly sameProcess: boolean,
  ) {
    super(
      sameProcess
        ? `${dataDir} is already open in this process (since ${holder.startedAt}); close the store first`
        : `${dataDir} is in use by process ${holder.pid} (${holder.command}) on host ${holder.hostname} since ${holder.startedAt}: ` +
            `stop the server, or run the command against the server's database with DATABASE_URL; ` +
            `if that process no longer runs, delete ${lockPath}`,
    );
    this.name = 'DataDirInUseError';
  }
}

const MAX_ATTEMPTS = 5;

/** Locks held by this process: lock path → token. */
const held = new Map<string, string>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const releaseAll = (): void => {
  for (const [path, token] of held) unlinkIfOurs(path, token);
  held.clear();
};

/** On a signal nobody else handles: release, then die of the signal as if we had not listened. */
const onSignal = (signal: NodeJS.Signals): void => {
  if (process.listenerCount(signal) > 1) return;
  releaseAll();
  unwatchProcess();
  process.kill(process.pid, signal);
};

function watchProcess(): void {
  process.on('exit', releaseAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function unwatchProcess(): void {
  process.removeListener('exit', releaseAll);
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/** The command line as an operator would recognise it, bounded. */
function commandLine(): string {
  const text = [process.argv0, ...process.argv.slice(1)].join(' ');
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function readHolder(path: string): LockHolder | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.hostname === 'string' && typeof parsed.token === 'string')
      return {
        pid: parsed.pid,
        hostname: parsed.hostname,
        command: String(parsed.command),
        startedAt: String(parsed.startedAt),
        token: parsed.token,
      };
  } catch {
    // Not ours (we write it whole): refused below, never taken over.
  }
  return UNREADABLE;
}

/** A lock file this code did not write: its holder cannot be known, so it is never taken over. */
const UNREADABLE: LockHolder = Object.freeze({
  pid: 0,
  hostname: '(unknown)',
  command: '(unreadable lock file)',
  startedAt: '(unknown)',
  token: '',
});

/** Creates `path` holding `holder`, whole, unless it exists: `false` then. */
function createWhole(path: string, holder: LockHolder): boolean {
  const temp = `${path}.${holder.pid}.${holder.token}`;
  writeFileSync(temp, `${JSON.stringify(holder)}\n`, { flag: 'wx' });
  try {
    linkSync(temp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(temp);
  }
}

function unlinkIfOurs(path: string, token: string): void {
  try {
    if (readHolder(path)?.token === token) unlinkSync(path);
  } catch {
    // Gone or unreadable: nothing of ours to delete.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `holder`'s process is gone: on this host, and its pid is not alive — or is this process,
 * which does not hold the lock (a restarted container often gets the pid its predecessor had).
 * A lock of another host is never judged stale: its process cannot be checked from here.
 */
function stale(holder: LockHolder, path: string): boolean {
  if (holder.hostname !== hostname()) return false;
  if (holder.pid === process.pid) return held.get(path) !== holder.token;
  return !alive(holder.pid);
}

/**
 * Takes over `path` from the stale `holder` under a second lock (`…lock.takeover`), so two
 * processes finding the same stale lock cannot both take it: `true` if `me` now holds it.
 */
function takeOver(path: string, holder: LockHolder, me: LockHolder): boolean {
  const guard = `${path}.takeover`;
  if (!createWhole(guard, me)) {
    const other = readHolder(guard);
    // A guard left by a process that died while taking over is removed; the caller retries.
    if (other && stale(other, guard)) unlinkIfOurs(guard, other.token);
    return false;
  }
  try {
    if (readHolder(path)?.token !== holder.token) return false;
    unlinkSync(path);
    return createWhole(path, me);
  } finally {
    unlinkIfOurs(guard, me.token);
  }
}

/**
 * Takes the lock of `dataDir` (created if absent) for this process, or throws DataDirInUseError
 * naming the holder. `command` defaults to this process's command line.
 */
export function lockDataDir(dataDir: string, opts: { command?: string } = {}): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(resolve(dataDir), LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    command: opts.command ?? commandLine(),
    startedAt: new Date().toISOString(),
    token: randomUUID(),
  };
  let takenOver: LockHolder | undefined;
  // A few rounds: the lock may be released, or taken over by another process, between two steps.
  for (let attempt = 1; ; attempt += 1) {
    if (createWhole(path, me)) break;
    const holder = readHolder(path);
    if (holder === undefined && attempt < MAX_ATTEMPTS) continue;
    const known = holder ?? UNREADABLE;
    if (!stale(known, path) || attempt >= MAX_ATTEMPTS) throw new DataDirInUseError(dataDir, path, known, held.get(path) === known.token);
    if (takeOver(path, known, me)) {
      takenOver = known;
      break;
    }
  }
  if (held.size === 0) watchProcess();
  held.set(path, me.token);
  return {
    path,
    ...(takenOver ? { takenOver } : {}),
    release() {
      if (held.get(path) !== me.token) return;
      held.delete(path);
      unlinkIfOurs(path, me.token);
      if (held.size === 0) unwatchProcess();
    },
  };
}
