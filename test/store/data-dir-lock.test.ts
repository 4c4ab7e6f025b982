import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/create-store.js';
import { DataDirInUseError, LOCK_FILE, lockDataDir, type LockHolder } from '../../src/store/data-dir-lock.js';
import { feedback, hookCall } from './audit-fixtures.js';

/** One process per embedded data directory (docs/design.md#data-dir-lock). */
const root = mkdtempSync(join(tmpdir(), 'data-dir-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => join(root, `data-${(n += 1)}`);

const FIXTURE = join(import.meta.dirname, 'fixtures', 'hold-data-dir.ts');

/** A pid that certainly runs no process: one that has just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function writeLock(dataDir: string, holder: Partial<LockHolder>): LockHolder {
  const full: LockHolder = {
    pid: 1,
    hostname: hostname(),
    command: 'node dist/src/main.js',
    startedAt: '2026-11-23T02:00:00.000Z',
    token: 'old',
    ...holder,
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify(full));
  return full;
}

/** A child holding the lock of `dataDir` (test/store/fixtures/hold-data-dir.ts), once it says so. */
async function holder(dataDir: string) {
  const proc = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const locked = await new Promise<boolean>((resolve) => {
    proc.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('locked')) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  return { proc, locked, exited, stderr: () => err };
}

describe('DATA_DIR lock', () => {
  it('an in-process double open is refused, naming this process; after close a stale lock (this host, pid gone) is taken over, and the store says whose', async () => {
    const config = { databaseUrl: undefined, dataDir: freshDir() };
    const first = await createStore(config);
    try {
      expect(first.lockTakenOver).toBeUndefined();
      const refused = createStore(config);
      await expect(refused).rejects.toBeInstanceOf(DataDirInUseError);
      await expect(refused).rejects.toMatchObject({ sameProcess: true, holder: { pid: process.pid } });
      await expect(refused).rejects.toThrow(/already open in this process/);
      // The refused open left the holder's lock alone: the first store still writes.
      await first.audit.recordHookCall(hookCall({ institutionId: 'org-lock' }));
      expect(JSON.parse(readFileSync(join(config.dataDir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    } finally {
      await first.close();
    }
    expect(existsSync(join(config.dataDir, LOCK_FILE))).toBe(false);

    const stale = writeLock(config.dataDir, { pid: deadPid() });
    const second = await createStore(config);
    try {
      expect(second.lockTakenOver).toEqual(stale);
      await second.audit.append([feedback('card-1')]);
    } finally {
      await second.close();
      await second.close();
    }
    expect(existsSync(join(config.dataDir, LOCK_FILE))).toBe(false);
  }, 120_000);

  it('two processes: the second is refused with the holder (pid, command, since) and what to do; after the first is killed, the lock is taken over', async () => {
    const dataDir = freshDir();
    const first = await holder(dataDir);
    expect(first.locked).toBe(true);
    const second = await holder(dataDir);
    expect(second.locked).toBe(false);
    expect((await second.exited).code).toBe(3);
    const message = second.stderr();
    expect(message).toContain(`is in use by process ${first.proc.pid} (hold-data-dir fixture) on host ${hostname()} since 20`);
    expect(message).toContain("stop the server, or run the command against the server's database with DATABASE_URL");
    expect(message).toContain(join(dataDir, LOCK_FILE));

    // SIGKILL: nothing runs at exit, the lock file stays behind with a pid that is gone.
    first.proc.kill('SIGKILL');
    await first.exited;
    const left = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as LockHolder;
    expect(left.pid).toBe(first.proc.pid);
    const lock = lockDataDir(dataDir);
    expect(lock.takenOver).toEqual(left);
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  }, 60_000);

  it('a process that dies of SIGINT or SIGTERM, with no handler of its own, releases the lock first', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const dataDir = freshDir();
      const child = await holder(dataDir);
      expect(child.locked).toBe(true);
      child.proc.kill(signal);
      expect(await child.exited).toEqual({ code: null, signal });
      expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    }
  }, 60_000);

  it('a lock of this pid that this process does not hold (a restarted container) is taken over', () => {
    const dataDir = freshDir();
    const earlier = writeLock(dataDir, { pid: process.pid, token: 'earlier-start' });
    const lock = lockDataDir(dataDir);
    expect(lock.takenOver).toEqual(earlier);
    lock.release();
  });

  it('a lock of another host, or one this code did not write, is never taken over', () => {
    const dataDir = freshDir();
    writeLock(dataDir, { pid: deadPid(), hostname: 'his-replica-2' });
    expect(() => lockDataDir(dataDir)).toThrow(/on host his-replica-2 .*if that process no longer runs, delete /);
    writeFileSync(join(dataDir, LOCK_FILE), 'not json');
    expect(() => lockDataDir(dataDir)).toThrow(/\(unreadable lock file\)/);
    expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8')).toBe('not json');
  });

  it('release deletes only its own lock (not one a later holder wrote), and only once', () => {
    const dataDir = freshDir();
    const lock = lockDataDir(dataDir);
    const later = writeLock(dataDir, { pid: deadPid(), token: 'later' });
    lock.release();
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toEqual(later);
    lock.release();
    expect(existsSync(lock.path)).toBe(true);
  });
});
