import { describe, expect, it } from 'vitest';
import { createMemoryReplayCache, ReplayCacheFullError } from '../../src/auth/replay-cache.js';

describe('in-memory replay cache', () => {
  const at = (start: number) => {
    let now = start;
    return {
      nowSeconds: () => now,
      set: (t: number) => {
        now = t;
      },
    };
  };

  it('remembers a pair until it expires', async () => {
    const clock = at(1000);
    const cache = createMemoryReplayCache({ nowSeconds: clock.nowSeconds });
    expect(await cache.remember('iss', 'a', 1100)).toBe(true);
    expect(await cache.remember('iss', 'a', 1100)).toBe(false);
    expect(await cache.remember('iss', 'b', 1100)).toBe(true);
    expect(await cache.remember('other-iss', 'a', 1100)).toBe(true);
    clock.set(1100);
    expect(await cache.remember('iss', 'a', 1200)).toBe(true);
  });

  it('keys are unambiguous across iss/jti boundaries', async () => {
    const cache = createMemoryReplayCache({ nowSeconds: () => 0 });
    expect(await cache.remember('a:b', 'c', 10)).toBe(true);
    expect(await cache.remember('a', 'b:c', 10)).toBe(true);
  });

  it('does not store pairs that are already expired', async () => {
    const cache = createMemoryReplayCache({ nowSeconds: () => 1000 });
    expect(await cache.remember('iss', 'a', 999)).toBe(true);
    expect(cache.size).toBe(0);
  });

  it('when full, evicts expired entries first', async () => {
    const clock = at(0);
    const cache = createMemoryReplayCache({ nowSeconds: clock.nowSeconds, maxEntries: 3 });
    await cache.remember('iss', 'long', 500);
    await cache.remember('iss', 'short-1', 10);
    await cache.remember('iss', 'short-2', 10);
    clock.set(20);
    expect(await cache.remember('iss', 'new', 100)).toBe(true);
    expect(cache.size).toBe(2);
    expect(await cache.remember('iss', 'long', 500)).toBe(false);
  });

  it('when full of live entries, refuses new tokens rather than forgetting live ones', async () => {
    const cache = createMemoryReplayCache({ nowSeconds: () => 0, maxEntries: 2 });
    await cache.remember('iss', 'a', 100);
    await cache.remember('iss', 'b', 100);
    await expect(cache.remember('iss', 'c', 100)).rejects.toBeInstanceOf(ReplayCacheFullError);
    expect(await cache.remember('iss', 'a', 100)).toBe(false);
    expect(cache.size).toBe(2);
  });

  it('stays bounded under a flood of distinct jtis', async () => {
    const clock = at(0);
    const cache = createMemoryReplayCache({ nowSeconds: clock.nowSeconds, maxEntries: 100 });
    for (let i = 0; i < 1000; i += 1) {
      clock.set(i);
      expect(await cache.remember('iss', `jti-${i}`, i + 50)).toBe(true);
      expect(cache.size).toBeLessThanOrEqual(100);
    }
  });

  it('rejects a nonsensical capacity', () => {
    expect(() => createMemoryReplayCache({ nowSeconds: () => 0, maxEntries: 0 })).toThrow(RangeError);
  });
});
