import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import {
  AUTH_FAILURE_MAX_ADDRESSES,
  authenticateCall,
  clientKey,
  createEhrCallGate,
  type EhrCallGate,
} from '../../src/http/auth-failure-limit.js';
import type { RateLimiter } from '../../src/http/rate-limit.js';
import type { Authenticate } from '../../src/ports.js';

/** The gate of EHR calls without HTTP: requests are plain objects with a client address. */
const rejectAll: Authenticate = async () => {
  throw new AppError('unauthorized', [{ message: 'bad-signature' }]);
};
const acceptGood: Authenticate = async (r) => {
  if (r.authorization === 'Bearer good') return { issuer: 'https://ehr.zj-hospital.example/oauth' };
  throw new AppError('unauthorized', [{ message: 'bad-signature' }]);
};

function fakeCall(ip: string, authorization?: string): { req: Request; res: Response; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  const req = { headers: authorization === undefined ? {} : { authorization }, ip, socket: { remoteAddress: ip } } as unknown as Request;
  const res = { setHeader: (k: string, v: string) => (headers[k.toLowerCase()] = v) } as unknown as Response;
  return { req, res, headers };
}

/** The error code a call ends with ('ok' when it is admitted). */
async function outcome(gate: EhrCallGate, ip: string, authorization?: string): Promise<string> {
  const { req, res } = fakeCall(ip, authorization);
  try {
    await authenticateCall(gate, req, res, 'https://cds.example.cn/cds-services/prenatal-diagnosis-referral');
    return 'ok';
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
}

const gateWith = (authenticate: Authenticate, perMinute: number, now: () => number, maxAddresses?: number): EhrCallGate<RateLimiter> =>
  createEhrCallGate({
    authenticate,
    config: { rateLimitPerMinute: 0, authFailureLimitPerMinute: perMinute },
    nowMs: now,
    ...(maxAddresses !== undefined ? { maxAddresses } : {}),
  });

describe('authenticateCall: failed authentications per client address', () => {
  it('N failures are 401, the N+1th is 429 with Retry-After; the bucket refills with time', async () => {
    let now = 0;
    const gate = gateWith(rejectAll, 3, () => now);
    expect([await outcome(gate, '10.1.2.3'), await outcome(gate, '10.1.2.3'), await outcome(gate, '10.1.2.3')]).toEqual([
      'unauthorized',
      'unauthorized',
      'unauthorized',
    ]);
    const { req, res, headers } = fakeCall('10.1.2.3');
    await expect(authenticateCall(gate, req, res, 'aud')).rejects.toMatchObject({ code: 'rate-limited', status: 429 });
    expect(headers['retry-after']).toBe('20');
    now += 20_000;
    expect(await outcome(gate, '10.1.2.3')).toBe('unauthorized');
    expect(await outcome(gate, '10.1.2.3')).toBe('rate-limited');
  });

  it('another address is unaffected; a good token is admitted from a limited address and takes nothing', async () => {
    const gate = gateWith(acceptGood, 1, () => 0);
    expect(await outcome(gate, '10.1.2.3')).toBe('unauthorized');
    expect(await outcome(gate, '10.1.2.3')).toBe('rate-limited');
    expect(await outcome(gate, '10.9.9.9')).toBe('unauthorized');
    expect(await outcome(gate, '10.1.2.3', 'Bearer good')).toBe('ok');
    expect(await outcome(gate, '10.7.7.7', 'Bearer good')).toBe('ok');
    expect(await outcome(gate, '10.7.7.7')).toBe('unauthorized');
  });

  it('0 means no limit', async () => {
    const gate = gateWith(rejectAll, 0, () => 0);
    for (let i = 0; i < 500; i += 1) expect(await outcome(gate, '10.1.2.3')).toBe('unauthorized');
    expect(gate.failures.size).toBe(0);
  });

  it('other errors of authentication (e.g. 503 from the replay store) are not counted as failures', async () => {
    const gate = gateWith(
      async () => {
        throw new AppError('store-unavailable');
      },
      1,
      () => 0,
    );
    expect([await outcome(gate, '10.1.2.3'), await outcome(gate, '10.1.2.3')]).toEqual(['store-unavailable', 'store-unavailable']);
    expect(gate.failures.size).toBe(0);
  });

  it(`the table holds at most AUTH_FAILURE_MAX_ADDRESSES (${AUTH_FAILURE_MAX_ADDRESSES}) addresses`, async () => {
    const gate = gateWith(rejectAll, 1, () => 0);
    for (let i = 0; i <= AUTH_FAILURE_MAX_ADDRESSES; i += 1) {
      gate.failures.take(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    }
    expect(gate.failures.size).toBe(AUTH_FAILURE_MAX_ADDRESSES);
  });

  it('at its bound the least recently seen address is forgotten first (and starts afresh)', async () => {
    const gate = gateWith(rejectAll, 1, () => 0, 3);
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) expect(await outcome(gate, ip)).toBe('unauthorized');
    expect(await outcome(gate, '10.0.0.1')).toBe('rate-limited'); // 10.0.0.1 is now the most recent
    expect(gate.failures.size).toBe(3);
    expect(await outcome(gate, '10.0.0.4')).toBe('unauthorized'); // 10.0.0.2 is forgotten
    expect(gate.failures.size).toBe(3);
    expect(await outcome(gate, '10.0.0.1')).toBe('rate-limited');
    expect(await outcome(gate, '10.0.0.3')).toBe('rate-limited');
    expect(await outcome(gate, '10.0.0.2')).toBe('unauthorized');
    expect(gate.failures.size).toBe(3);
  });
});

describe('clientKey', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:192.168.10.7', '192.168.10.7'],
    ['::FFFF:10.0.0.1', '10.0.0.1'],
    ['2001:db8:abcd:12:1:2:3:4', '2001:db8:abcd:12::/64'],
    ['2001:db8:abcd:12::99', '2001:db8:abcd:12::/64'],
    ['2001:0db8:abcd:0012:ffff::1', '2001:db8:abcd:12::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    [undefined, 'unknown'],
    ['', 'unknown'],
  ])('%s → %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });

  it('one IPv6 /64 is one client: a new address in the same /64 does not start afresh', async () => {
    const gate = gateWith(rejectAll, 1, () => 0);
    expect(await outcome(gate, '2001:db8:1:2::a')).toBe('unauthorized');
    expect(await outcome(gate, '2001:db8:1:2::b')).toBe('rate-limited');
    expect(await outcome(gate, '2001:db8:1:3::a')).toBe('unauthorized');
  });
});
