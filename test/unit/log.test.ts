import { execFileSync } from 'node:child_process';
import { constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { boundedDestination, createLogger } from '../../src/log.js';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { lines, sink };
}

describe('createLogger', () => {
  it('redacts authorization headers, access tokens and fhirAuthorization', () => {
    const { lines, sink } = capture();
    const log = createLogger({ logLevel: 'info' }, sink);
    log.info(
      {
        req: { headers: { authorization: 'Bearer JWT-SECRET-1' } },
        authorization: 'Bearer JWT-SECRET-2',
        fhirAuthorization: { access_token: 'AT-SECRET-3' },
        token: { access_token: 'AT-SECRET-4' },
        request: { fhirAuthorization: { access_token: 'AT-SECRET-5' } },
        kept: 'visible',
      },
      'x',
    );
    const out = lines.join('');
    expect(out).not.toMatch(/SECRET/);
    expect(out).toContain('visible');
    expect(JSON.parse(out).fhirAuthorization).toBe('[redacted]');
  });

  it('honours the configured level', () => {
    const { lines, sink } = capture();
    const log = createLogger({ logLevel: 'warn' }, sink);
    log.info('hidden');
    log.warn('shown');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).msg).toBe('shown');
  });
});

/** A FIFO whose read end we hold but do not read until `drain()`: a stalled log collector. */
function stalledPipe(): { writeFd: number; readAll: () => Promise<string>; close: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'log-fifo-'));
  const path = join(dir, 'stdout');
  execFileSync('mkfifo', [path]);
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writeFd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  const reader = new Socket({ fd: readFd, readable: true, writable: false });
  reader.pause();
  const chunks: Buffer[] = [];
  reader.on('data', (c: Buffer) => chunks.push(c));
  return {
    writeFd,
    /** Reads until `quietMs` pass with nothing new (bounded), then returns all text read. */
    readAll: async (quietMs = 400) => {
      reader.resume();
      let last = -1;
      for (let i = 0; i < 100 && last !== chunks.length; i += 1) {
        last = chunks.length;
        await new Promise((r) => setTimeout(r, quietMs));
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    close: () => {
      reader.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('boundedDestination (stdout)', () => {
  it('drops lines past the backlog bound while stdout is stalled, keeps the rest in order, and reports the count once drained', async () => {
    const pipe = stalledPipe();
    try {
      const maxBacklog = 256 * 1024;
      const { stream, dropped } = boundedDestination(pipe.writeFd, maxBacklog);
      const log = createLogger({ logLevel: 'info' }, stream);
      const filler = 'x'.repeat(1000);
      const lines = 2000; // ≈ 2.1 MB: far more than the pipe (64 KiB) plus the backlog bound hold
      for (let i = 0; i < lines; i += 1) log.info({ i, filler }, 'line');
      expect(dropped()).toBeGreaterThan(0);
      expect(dropped()).toBeLessThan(lines);
      const written = (await pipe.readAll())
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { i?: number; msg: string; droppedLines?: number });
      const kept = written.filter((l) => l.msg === 'line').map((l) => l.i ?? -1);
      // What was kept is the beginning of the sequence, in order and complete: lines are dropped, never torn or reordered.
      expect(kept).toEqual(kept.map((_, k) => k));
      expect(kept.length + dropped()).toBe(lines);
      const report = written.filter((l) => l.msg === 'log backlog was full: lines dropped');
      expect(report).toHaveLength(1);
      expect(report[0]?.droppedLines).toBe(dropped());
    } finally {
      pipe.close();
    }
  });

  it('loses nothing when stdout keeps up', async () => {
    const pipe = stalledPipe();
    try {
      const { stream, dropped } = boundedDestination(pipe.writeFd);
      const log = createLogger({ logLevel: 'info' }, stream);
      const reading = pipe.readAll();
      for (let i = 0; i < 3000; i += 1) log.info({ i }, 'line');
      const written = (await reading)
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { i: number });
      expect(written.map((l) => l.i)).toEqual([...Array(3000).keys()]);
      expect(dropped()).toBe(0);
    } finally {
      pipe.close();
    }
  });
});
