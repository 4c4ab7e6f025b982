import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _e, cb) { lines.push(chunk.toString('utf8')); cb(); } });
  return { lines, sink };
}

describe('createLogger', () => {
  it('redacts authorization headers, access tokens and fhirAuthorization', () => {
    const { lines, sink } = capture();
    const log = createLogger({ logLevel: 'info' }, sink);
    log.info({
      req: { headers: { authorization: 'Bearer JWT-SECRET-1' } },
      authorization: 'Bearer JWT-SECRET-2',
      fhirAuthorization: { access_token: 'AT-SECRET-3' },
      token: { access_token: 'AT-SECRET-4' },
      request: { fhirAuthorization: { access_token: 'AT-SECRET-5' } },
      kept: 'visible',
    }, 'x');
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
