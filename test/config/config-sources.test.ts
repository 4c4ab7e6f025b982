import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { blankJsonComments, findJsonSyntaxProblem } from '../../src/config/json-text.js';
import { jsonVariablePath } from '../../src/config/json-variable.js';
import { redactUrl } from '../../src/config/redact.js';

/** JSON-valued variables: JSON or a path, errors naming variable, file, line/column or field (docs/policy.md#loading). */
const tmp = mkdtempSync(join(tmpdir(), 'config-sources-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const issuer = { iss: 'https://his.zj-hospital.example', jwksUrl: 'https://his.zj-hospital.example/jwks.json' };

describe('which values are files', () => {
  it.each([
    ['{"AMA_AGE_YEARS": 36}', undefined],
    ['  [ ]', undefined],
    ['@/etc/prenatal-cds/policy.json', '/etc/prenatal-cds/policy.json'],
    ['/etc/prenatal-cds/policy.json', '/etc/prenatal-cds/policy.json'],
    ['policy/浙江省妇幼.json', 'policy/浙江省妇幼.json'],
  ])('%s → %s', (raw, path) => {
    expect(jsonVariablePath(raw)).toBe(path);
  });
});

describe('POLICY_FILE as a plain path, @path or JSON', () => {
  const policy = file('policy.json', JSON.stringify({ AMA_AGE_YEARS: 36, institution: { name: '杭州市妇产科医院' } }));

  it.each([policy, `@${policy}`, ` ${policy} `])('reads %s', (value) => {
    const c = loadConfig({ POLICY_FILE: value });
    expect(c.policy.AMA_AGE_YEARS).toBe(36);
    expect(c.policy.institution.name).toBe('杭州市妇产科医院');
    expect(c.policy.AFI_LOW_CM).toBe(5);
  });

  it('a .jsonc file may hold comments; a BOM is ignored', () => {
    const p = file(
      'policy.jsonc',
      '\uFEFF{\n  // 高龄：预产期时满 36 周岁\n  "AMA_AGE_YEARS": 36, /* 年龄 */\n  "localCodes": { "x": [{ "system": "http://his/code//a", "code": "B" }] }\n}\n',
    );
    const c = loadConfig({ POLICY_FILE: p });
    expect(c.policy.AMA_AGE_YEARS).toBe(36);
    expect(c.policy.localCodes.x?.[0]?.system).toBe('http://his/code//a');
  });

  it('a missing file says so, naming the variable and the file', () => {
    const missing = join(tmp, 'no-such', 'policy.json');
    expect(problems({ POLICY_FILE: missing })).toEqual([`POLICY_FILE: file ${missing} not found`]);
    expect(problems({ POLICY_FILE: `@${missing}` })).toEqual([`POLICY_FILE: file ${missing} not found`]);
  });

  it('a directory is not a file', () => {
    const dir = join(tmp, 'a-dir');
    mkdirSync(dir);
    expect(problems({ POLICY_FILE: dir })).toEqual([`POLICY_FILE: file ${dir} is a directory, not a JSON file`]);
  });

  it('invalid JSON names the file, the line and the column', () => {
    const p = file('broken.json', '{\n  "AMA_AGE_YEARS": 36,\n  "AFI_LOW_CM": 五\n}\n');
    expect(problems({ POLICY_FILE: p })).toEqual([`POLICY_FILE: ${p}: invalid JSON at line 3, column 17: expected a value`]);
    const trailing = file('trailing.json', '{\n  "AMA_AGE_YEARS": 36,\n}\n');
    expect(problems({ POLICY_FILE: trailing })).toEqual([
      `POLICY_FILE: ${trailing}: invalid JSON at line 3, column 1: expected a property name in double quotes`,
    ]);
  });

  it('comments are refused in a .json file (at the comment)', () => {
    const p = file('commented.json', '{\n  // 注释\n  "AMA_AGE_YEARS": 36\n}\n');
    expect(problems({ POLICY_FILE: p })).toEqual([
      `POLICY_FILE: ${p}: invalid JSON at line 2, column 3: expected a property name in double quotes`,
    ]);
  });

  it('a schema violation names the variable, the file, each field path and the rule broken, one line each', () => {
    const p = file(
      'bad.json',
      JSON.stringify({
        AMA_AGE_YEARS: 99,
        AMA_AGE_YAERS: 36,
        TERATOGEN_WASHOUT_DAYS: { isotretinoin: 30 },
        PROCEDURE_WINDOWS: { cvs: { fromDays: 97, toDays: 77 }, amniocentesis: { fromDays: 112 }, cordocentesis: { fromDays: 126 } },
      }),
    );
    expect(problems({ POLICY_FILE: p })).toEqual([
      `POLICY_FILE: ${p} at AMA_AGE_YEARS: Too big: expected number to be <=60`,
      `POLICY_FILE: ${p} at TERATOGEN_WASHOUT_DAYS.isotretinoin: key: an ATC code such as D10BA01`,
      `POLICY_FILE: ${p} at PROCEDURE_WINDOWS: a procedure window ends before it starts`,
      `POLICY_FILE: ${p} at (root): Unrecognized key: "AMA_AGE_YAERS"`,
    ]);
  });

  it('inline JSON: the field path without a file; a syntax error with its column', () => {
    expect(problems({ POLICY_FILE: '{"localCodes": {"fetal-anomaly": [{"system": "http://his.example/icd", "code": ""}]}}' })).toEqual([
      'POLICY_FILE: at localCodes["fetal-anomaly"][0].code: Too small: expected string to have >=1 characters',
    ]);
    expect(problems({ TRUSTED_ISSUERS: '[{"iss": ' })).toEqual(['TRUSTED_ISSUERS: invalid JSON at line 1, column 10: expected a value']);
  });

  it('TRUSTED_ISSUERS from a plain path', () => {
    const p = file('issuers.json', JSON.stringify([issuer]));
    expect(loadConfig({ AUTH_MODE: 'jwt', TRUSTED_ISSUERS: p }).trustedIssuers[0]?.iss).toBe(issuer.iss);
  });
});

describe('secrets are never echoed', () => {
  const token = 'qc-短token-9f3a'; // 14 characters: too short
  const longToken = 'qc-province-token-7c1d9e0b5a2f';

  it('QC_TOKENS with a short key: the key is named by position', () => {
    const lines = problems({ QC_TOKENS: JSON.stringify({ [longToken]: { role: 'province' }, [token]: { role: 'province' } }) });
    expect(lines).toEqual(['QC_TOKENS: at token #2: key: QC tokens must be at least 16 characters']);
    for (const l of lines) expect(l).not.toContain(token);
  });

  it('QC_TOKENS with a bad entry: the key is not shown', () => {
    const lines = problems({ QC_TOKENS: JSON.stringify({ [longToken]: { role: 'hospital', institution: 'org-1' } }) });
    expect(lines).toEqual(['QC_TOKENS: at token #1.role: Invalid option: expected one of "province"|"institution"']);
    expect(lines.join('\n')).not.toContain(longToken);
  });

  it('QC_TOKENS with broken JSON: the text is not quoted (Node quotes it)', () => {
    const lines = problems({ QC_TOKENS: `{"${longToken}": {"role": "province"},}` });
    expect(lines).toEqual(['QC_TOKENS: invalid JSON at line 1, column 57: expected a property name in double quotes']);
    expect(lines.join('\n')).not.toContain(longToken);
  });

  it('QC_TOKENS set to a bare token (not JSON, not a file) is not quoted', () => {
    const lines = problems({ QC_TOKENS: longToken });
    expect(lines).toEqual(['QC_TOKENS: is neither JSON (starting with { or [) nor the path of an existing file']);
  });

  it('a QC_TOKENS file with broken JSON names the file, not the tokens', () => {
    const p = file('qc-tokens.json', `{\n  "${longToken}": { "role": "province" }\n  "x": 1\n}\n`);
    const lines = problems({ QC_TOKENS: p });
    expect(lines).toEqual([`QC_TOKENS: ${p}: invalid JSON at line 3, column 3: expected ',' or '}'`]);
    expect(lines.join('\n')).not.toContain(longToken);
  });

  it('TRUSTED_ISSUERS with a private JWK: neither a syntax error nor a schema error quotes it', () => {
    const d = 'hX3pQmB0-PRIVATE-d-9kLw2';
    const jwks = {
      keys: [
        { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', d },
      ],
    };
    const syntax = problems({ TRUSTED_ISSUERS: `[{"iss": "${issuer.iss}", "jwks": ${JSON.stringify(jwks)}, }]` });
    expect(syntax[0]).toMatch(/^TRUSTED_ISSUERS: invalid JSON at line 1, column \d+: expected a property name in double quotes$/);
    const schema = problems({ TRUSTED_ISSUERS: JSON.stringify([{ ...issuer, jwks }]) });
    expect(schema).toEqual(['TRUSTED_ISSUERS: at [0]: exactly one of jwksUrl or jwks is required']);
    expect([...syntax, ...schema].join('\n')).not.toContain(d);
  });

  it('PUBLIC_BASE_URL=ftp://x: must be an http(s) URL', () => {
    expect(problems({ PUBLIC_BASE_URL: 'ftp://x' })).toEqual(['PUBLIC_BASE_URL: must be an http(s) URL']);
  });

  it('METRICS_TOKEN too short, or with a space: the rule, not the token', () => {
    for (const token of ['mtr-短-7f3a', 'metrics token 0123456789abcdef']) {
      const lines = problems({ METRICS_TOKEN: token });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^METRICS_TOKEN: must be /);
      expect(lines[0]).not.toContain(token);
    }
  });

  it('QC_PSEUDONYM_SECRET too short: the rule, not the secret', () => {
    const secret = '浙江-pseudonym-key-01'; // 25 bytes
    const lines = problems({ QC_PSEUDONYM_SECRET: secret });
    expect(lines).toEqual(['QC_PSEUDONYM_SECRET: must be at least 32 bytes']);
  });

  it('a bad DATABASE_URL is not quoted', () => {
    const lines = problems({ DATABASE_URL: 'mysql://cds:S3cr3t-pw@db.example:3306/cds' });
    expect(lines).toEqual(['DATABASE_URL: must be a postgres:// URL']);
    expect(lines.join('\n')).not.toContain('S3cr3t-pw');
  });

  it('redactUrl hides the password in the user part and in a password parameter', () => {
    expect(redactUrl('postgres://cds_app:S3cr3t-pw@db.example:5432/prenatal_cds')).toBe(
      'postgres://cds_app:***@db.example:5432/prenatal_cds',
    );
    expect(redactUrl('postgresql://cds_app@db.example/cds?sslmode=require&password=S3cr3t-pw')).toBe(
      'postgresql://cds_app@db.example/cds?sslmode=require&password=***',
    );
    expect(redactUrl('postgres://u:p@ss:w0rd@[::1/db')).not.toContain('w0rd');
  });
});

describe('the JSON scanner agrees with JSON.parse', () => {
  it.each([
    '{}',
    '[1, -0.5e+3, true, false, null, "\\u4e2d\\n"]',
    '{"a": {"b": [{}]}}',
    ' "x" ',
    '{"a": 1,}',
    '[1 2]',
    '{"a" 1}',
    '"unterminated',
    '"\\x"',
    '01',
    '-',
    '{"a": tru}',
    '[1]]',
    '"tab\there"',
    '',
  ])('%j', (text) => {
    let valid = true;
    try {
      JSON.parse(text);
    } catch {
      valid = false;
    }
    expect(findJsonSyntaxProblem(text) === undefined).toBe(valid);
  });

  it('comments become blanks, strings keep their slashes, places are kept', () => {
    expect(blankJsonComments('{"u": "http://a//b"} // x\n/* y\n z */1')).toBe('{"u": "http://a//b"}     \n    \n     1');
  });
});
