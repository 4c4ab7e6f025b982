import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * nginx as a foreground child of a test (test/release/deploy-walk.test.ts), not the system service:
 * its own prefix, pid, logs and temporary paths, and a main file that includes `confDir/*.conf` in
 * `http {}` as Debian's /etc/nginx/nginx.conf includes /etc/nginx/conf.d/*.conf.
 */
export interface Nginx {
  /** What nginx wrote on stdout and stderr, and its error log's path. */
  readonly output: () => string;
  readonly errorLog: string;
  /** SIGTERM (fast shutdown), resolved when the master has exited. Idempotent. */
  readonly stop: () => Promise<void>;
}

/** Waits until something accepts connections on 127.0.0.1:`port` (nginx prints nothing when it is up). */
async function listening(port: number, alive: () => boolean, why: () => string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1')
        .once('connect', () => (s.destroy(), resolve(true)))
        .once('error', () => resolve(false));
    });
    if (ok) return;
    if (!alive() || attempt > 200) throw new Error(`nginx is not listening on ${port}:\n${why()}`);
    await sleep(50);
  }
}

/**
 * Checks the configuration (`nginx -t`) and starts nginx with `prefix` (created; made traversable up
 * to `root`, since the workers run as nobody when the master is root), resolved once every port in
 * `ports` accepts connections.
 */
export async function startNginx(opts: { root: string; prefix: string; confDir: string; ports: readonly number[] }): Promise<Nginx> {
  const { root, prefix } = opts;
  mkdirSync(prefix, { recursive: true });
  for (let d = prefix; d.startsWith(root); d = dirname(d)) chmodSync(d, 0o755);
  const mainConf = join(prefix, 'nginx.conf');
  const errorLog = join(prefix, 'error.log');
  writeFileSync(
    mainConf,
    [
      'worker_processes 1;',
      `pid ${prefix}/nginx.pid;`,
      `error_log ${errorLog} warn;`,
      'events { worker_connections 64; }',
      'http {',
      `  access_log ${prefix}/access.log;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${prefix}/${t}_temp;`),
      `  include ${opts.confDir}/*.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  const args = ['-p', prefix, '-c', mainConf, '-e', errorLog];
  execFileSync('nginx', [...args, '-t'], { stdio: 'pipe' });
  const child = spawn('nginx', [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  const stop = async (): Promise<void> => {
    if (alive()) child.kill('SIGTERM');
    await exited;
  };
  try {
    for (const port of opts.ports) await listening(port, alive, () => output);
  } catch (e) {
    await stop();
    throw e;
  }
  return { output: () => output, errorLog, stop };
}
