import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';

/** The store and JWKS bounds (docs/design.md#store-bounds): a few seconds by default, one second for JWKS. */
describe('store and JWKS bounds in the configuration', () => {
  it('defaults: 5 s statement, connect and pool acquisition timeouts; 1 s JWKS fetch', () => {
    const config = loadConfig({});
    expect(config.dbStatementTimeoutMs).toBe(5000);
    expect(config.dbConnectTimeoutMs).toBe(5000);
    expect(config.dbPoolAcquireTimeoutMs).toBe(5000);
    expect(config.jwksTimeoutMs).toBe(1000);
  });

  it('takes each from its variable', () => {
    const config = loadConfig({
      DB_STATEMENT_TIMEOUT_MS: '2500',
      DB_CONNECT_TIMEOUT_MS: '1500',
      DB_POOL_ACQUIRE_TIMEOUT_MS: '3000',
      JWKS_TIMEOUT_MS: '800',
    });
    expect([config.dbStatementTimeoutMs, config.dbConnectTimeoutMs, config.dbPoolAcquireTimeoutMs, config.jwksTimeoutMs]).toEqual([
      2500, 1500, 3000, 800,
    ]);
  });

  it.each(['DB_STATEMENT_TIMEOUT_MS', 'DB_CONNECT_TIMEOUT_MS', 'DB_POOL_ACQUIRE_TIMEOUT_MS', 'JWKS_TIMEOUT_MS'])(
    'a bad %s stops the start naming it',
    (variable) => {
      for (const bad of ['0', '-1', 'soon', '1.5']) {
        expect(() => loadConfig({ [variable]: bad })).toThrow(ConfigError);
        expect(() => loadConfig({ [variable]: bad })).toThrow(new RegExp(`^${variable}:`));
      }
    },
  );
});
