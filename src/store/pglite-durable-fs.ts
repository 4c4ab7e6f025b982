import fs from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/**
 * Durable commits for the embedded store on disk. As shipped, PGlite never reaches the disk: its
 * start parameters pass `-F` (fsync off), Emscripten's `fdatasync` is a stub, and its Node file
 * system (NODEFS) has no `fsync`. A commit was written to the OS page cache only: it survived a
 * crash of the service, not of the machine. With this file system and DURABLE_START_PARAMS,
 * PostgreSQL's own durability applies: every commit fsyncs the WAL before it is acknowledged (so
 * before the HTTP answer that depends on it), and checkpoints fsync the data files before they
 * recycle WAL.
 */

/** PGlite's defaults without `-F`; `wal_sync_method=fsync` because `fdatasync` syncs nothing here. */
export const DURABLE_START_PARAMS: readonly string[] = Object.freeze([
  ...PGlite.defaultStartParams.filter((p) => p !== '-F'),
  '-c',
  'fsync=on',
  '-c',
  'wal_sync_method=fsync',
]);

/** Exit status after a failed fsync (EX_SOFTWARE). */
export const FSYNC_FAILED_EXIT_CODE = 70;

type NodeFsInit = NodeFS['init'];
interface EmscriptenStream {
  readonly nfd: number;
}
interface WithNodeFs {
  readonly NODEFS: { stream_ops: { fsync?: (stream: EmscriptenStream) => number } };
}

/**
 * PGlite's NodeFS whose `fsync` is `fs.fsyncSync` on the host file (per PGlite instance: each has
 * its own Emscripten module). A failed fsync ends the process (status 70, a line on stderr), as
 * PostgreSQL's PANIC ends a server: the commit waiting for it is never acknowledged, and the data
 * may no longer be on disk as PostgreSQL believes, so nothing may be written after it. Handing the
 * error back to PGlite instead leaves it spinning on the next statement. The restarted
 * service replays the WAL, which recovers every commit that was acknowledged.
 */
export class DurableNodeFS extends NodeFS {
  #deferred: boolean;

  /**
   * `deferSyncs`: for a data directory just unpacked from the template, where nothing can have
   * been acknowledged yet. PostgreSQL first starts it as after a crash and fsyncs each of its
   * files one by one; deferred, those fsyncs return at once and
   * `syncDataDir` then syncs the directory on the thread pool, before the store is used.
   */
  constructor(dataDir: string, { deferSyncs = false }: { readonly deferSyncs?: boolean } = {}) {
    super(dataDir);
    this.#deferred = deferSyncs;
  }

  /** Fsyncs every file and directory under the data directory, then ends any deferral. */
  async syncDataDir(): Promise<void> {
    const dirs = [this.rootDir];
    const paths = [this.rootDir];
    for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) dirs.push(path);
        if (entry.isDirectory() || entry.isFile()) paths.push(path);
      }
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let path = paths[next++]; path !== undefined; path = paths[next++]) {
        const handle = await open(path, 'r');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    this.#deferred = false;
  }

  override async init(...args: Parameters<NodeFsInit>): ReturnType<NodeFsInit> {
    const { emscriptenOpts } = await super.init(...args);
    const patchFsync = (mod: unknown): void => {
      (mod as WithNodeFs).NODEFS.stream_ops.fsync = (stream) => this.#fsync(stream.nfd);
    };
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [patchFsync, ...(emscriptenOpts.preRun ?? [])] } };
  }

  #fsync(fd: number): number {
    if (this.#deferred) return 0;
    try {
      fs.fsyncSync(fd);
      return 0;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      process.stderr.write(
        `${JSON.stringify({ level: 60, time: Date.now(), msg: 'embedded store: fsync failed; exiting so that nothing is acknowledged without being on disk (restart the service: WAL replay recovers every acknowledged commit)', code: typeof code === 'string' ? code : undefined, dataDir: this.rootDir })}\n`,
      );
      process.exit(FSYNC_FAILED_EXIT_CODE);
    }
  }
}
