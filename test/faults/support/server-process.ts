import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../../src/package-root.js';
import { freePort } from '../../support/free-port.js';

/**
 * The real entry point in a child process (`node --import tsx src/main.ts`, auth off, embedded
 * store in a temporary DATA_DIR), started and awaited until it logs that it listens.
 */
export interface ServerProcess {
  readonly port: number;
  readonly origin: string;
  readonly proc: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** SIGKILLs the process if it still runs and removes its data directory. */
  stop(): Promise<void>;
}

export { freePort };

export async function startServerProcess(env: Record<string, string> = {}, nodeArgs: readonly string[] = []): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'prenatal-cds-process-'));
  const port = await freePort();
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts'], {
    cwd: packageRoot(),
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      AUTH_MODE: 'off',
      PUBLIC_BASE_URL: '',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const output = (): string => chunks.join('');
  await new Promise<void>((resolve, reject) => {
    proc.stdout?.on('data', (chunk: Buffer) => {
      chunks.push(chunk.toString());
      if (output().includes('prenatal-cds listening')) resolve();
    });
    proc.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    void exited.then((code) => reject(new Error(`exited early (${String(code)}): ${output().slice(-2000)}`)));
  });
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    proc,
    output,
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
