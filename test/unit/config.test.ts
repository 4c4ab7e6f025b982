import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';

const issuer = {
  iss: 'https://ehr.example',
  jwksUrl: 'https://ehr.example/.well-known/jwks.json',
  fhirServers: ['https://ehr.example/fhir/'],
};
const tmp = mkdtempSync(join(tmpdir(), 'config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig (docs/design.md#configuration)', () => {
  it('defaults: port 8080, auth off without a public base URL, zh-CN, Asia/Shanghai, 7-day deadline', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      publicBaseUrl: 'http://localhost:8080',
      authMode: 'off',
      locale: 'zh-CN',
      clinicTimeZone: 'Asia/Shanghai',
      noticeDeadlineDays: 7,
      databaseUrl: undefined,
    });
    expect(c.policy.AMA_AGE_YEARS).toBe(35);
  });

  it('auth defaults to jwt once PUBLIC_BASE_URL is set (and then needs issuers); trailing slash dropped', () => {
    expect(errorOf({ PUBLIC_BASE_URL: 'https://cds.example.org/' }).variable).toBe('TRUSTED_ISSUERS');
    const c = loadConfig({ PUBLIC_BASE_URL: 'https://cds.example.org/', TRUSTED_ISSUERS: JSON.stringify([issuer]) });
    expect(c.authMode).toBe('jwt');
    expect(c.publicBaseUrl).toBe('https://cds.example.org');
  });

  it.each(['abc', '-1', '70000', '80.5'])('a bad PORT (%s) names PORT', (port) => {
    const e = errorOf({ PORT: port });
    expect(e.variable).toBe('PORT');
    expect(e.message).toMatch(/^PORT: /);
  });

  it('bad TRUSTED_ISSUERS JSON names TRUSTED_ISSUERS', () => {
    const e = errorOf({ AUTH_MODE: 'jwt', TRUSTED_ISSUERS: '[{"iss": ' });
    expect(e.variable).toBe('TRUSTED_ISSUERS');
    expect(e.message).toBe('TRUSTED_ISSUERS: invalid JSON at line 1, column 10: expected a value');
  });

  it('a TRUSTED_ISSUERS entry with both jwksUrl and jwks is rejected, naming it', () => {
    expect(errorOf({ TRUSTED_ISSUERS: JSON.stringify([{ ...issuer, jwks: { keys: [{ kty: 'EC' }] } }]) }).variable).toBe('TRUSTED_ISSUERS');
  });

  it('POLICY_FILE with an unknown key is rejected, naming POLICY_FILE and the key', () => {
    const e = errorOf({ POLICY_FILE: JSON.stringify({ AMA_AGE_YAERS: 36 }) });
    expect(e.variable).toBe('POLICY_FILE');
    expect(e.message).toContain('AMA_AGE_YAERS');
  });

  it('POLICY_FILE with a bad value names POLICY_FILE', () => {
    expect(errorOf({ POLICY_FILE: JSON.stringify({ AMA_AGE_YEARS: 'thirty-five' }) }).variable).toBe('POLICY_FILE');
  });

  it('the @file form reads JSON from a file', () => {
    const policyPath = join(tmp, 'policy.json');
    writeFileSync(policyPath, JSON.stringify({ AMA_AGE_YEARS: 36, AMA_COMPARATOR: '>' }));
    const issuersPath = join(tmp, 'issuers.json');
    writeFileSync(issuersPath, JSON.stringify([issuer]));
    const c = loadConfig({ POLICY_FILE: `@${policyPath}`, AUTH_MODE: 'jwt', TRUSTED_ISSUERS: `@${issuersPath}` });
    expect(c.policy.AMA_AGE_YEARS).toBe(36);
    expect(c.policy.AMA_COMPARATOR).toBe('>');
    expect(c.trustedIssuers[0]?.iss).toBe('https://ehr.example');
  });

  it('an @file that does not exist names the variable', () => {
    const e = errorOf({ POLICY_FILE: `@${join(tmp, 'missing.json')}` });
    expect(e.variable).toBe('POLICY_FILE');
    expect(e.message).toBe(`POLICY_FILE: file ${join(tmp, 'missing.json')} not found`);
  });

  it.each([
    ['CLINIC_TIMEZONE', 'Mars/Olympus'],
    ['LOCALE', 'fr'],
    ['AUTH_MODE', 'maybe'],
    ['NOTICE_DEADLINE_DAYS', '-3'],
    ['DATABASE_URL', 'mysql://x'],
    ['QC_TOKENS', JSON.stringify({ short: { role: 'province' } })],
  ])('a bad %s is named', (variable, value) => {
    expect(errorOf({ [variable]: value }).variable).toBe(variable);
  });

  it('is deeply frozen', () => {
    const c = loadConfig({ TRUSTED_ISSUERS: JSON.stringify([issuer]) });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.policy)).toBe(true);
    expect(Object.isFrozen(c.trustedIssuers[0])).toBe(true);
    expect(() => {
      (c as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});
