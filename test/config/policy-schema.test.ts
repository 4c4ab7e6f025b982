import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { jsoncToJson } from '../../src/config/json-text.js';
import { loadConfig } from '../../src/config/load.js';
import { POLICY_PARAMETER_DOCS } from '../../src/config/policy-docs.js';
import { POLICY_EXAMPLE_VALUES, policyParameters } from '../../src/config/policy-json-schema.js';
import { policyDocuments } from '../../scripts/lib/policy-documents.js';

/** docs/policy.schema.json, docs/policy.example.jsonc and the table of docs/policy.md (docs/policy.md#schema). */
const ROOT = join(import.meta.dirname, '..', '..');
const SCHEMA = join(ROOT, 'docs', 'policy.schema.json');
const EXAMPLE = join(ROOT, 'docs', 'policy.example.jsonc');

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  return ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
}

describe('the committed policy documents are the generated ones (npm run policy:schema)', () => {
  it.each(['policy.schema.json', 'policy.example.jsonc', 'policy.md'])('docs/%s', async (name) => {
    const generated = await policyDocuments(ROOT);
    const path = join(ROOT, 'docs', name);
    expect(readFileSync(path, 'utf8'), `docs/${name} is stale: run npm run policy:schema`).toBe(generated[path]);
  });

  it('every policy parameter is documented, and every documented one exists', () => {
    expect(Object.keys(POLICY_PARAMETER_DOCS).sort()).toEqual([...policyParameters()].sort());
  });

  it('every "used by" names an anchor that exists', () => {
    for (const doc of Object.values(POLICY_PARAMETER_DOCS)) {
      for (const target of doc.usedBy) {
        const [file, anchor] = target.split('#');
        expect(readFileSync(join(ROOT, 'docs', file!), 'utf8'), target).toContain(`id="${anchor}"`);
      }
    }
  });
});

describe('the example', () => {
  const text = readFileSync(EXAMPLE, 'utf8');

  it('validates against the schema', () => {
    const validate = validator();
    const ok = validate(JSON.parse(jsoncToJson(text)));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('loads through the configuration loader as a plain path: defaults plus the institutions and local code', () => {
    const policy = loadConfig({ POLICY_FILE: EXAMPLE }).policy;
    expect(policy).toEqual({ ...DEFAULT_POLICY, ...POLICY_EXAMPLE_VALUES });
    expect(policy.institution.name).toBe('杭州市妇产科医院');
    expect(policy.referralInstitution.name).toBe('浙江大学医学院附属妇产科医院');
  });
});

describe('the schema agrees with the loader', () => {
  const validate = validator();
  const loads = (policy: unknown) => {
    try {
      loadConfig({ POLICY_FILE: JSON.stringify(policy) });
      return true;
    } catch {
      return false;
    }
  };

  it.each([
    [{}, true],
    [{ $schema: './policy.schema.json', AMA_AGE_YEARS: 36 }, true],
    [{ AMA_AGE_YEARS: 61 }, false],
    [{ AMA_AGE_YEARS: 35.5 }, false],
    [{ AMA_AGE_YAERS: 36 }, false],
    [{ AMA_COMPARATOR: '≥' }, false],
    [{ NT_MM_MIN: 0 }, false],
    [{ TERATOGEN_WASHOUT_DAYS: { isotretinoin: 30 } }, false],
    [{ TERATOGEN_WASHOUT_DAYS: { D10BA01: 60 } }, true],
    [{ CERTIFICATE_SOURCE_ORDER: [] }, false],
    [{ institution: { name: '' } }, false],
    [{ institution: { name: '宁波市妇女儿童医院', fax: '0574-1' } }, false],
    [{ localCodes: { 'fetal-anomaly': [{ system: 'http://his.example/dx', code: 'Q89.900' }] } }, true],
  ])('%j: %s', (policy, valid) => {
    expect(validate(policy)).toBe(valid);
    expect(loads(policy)).toBe(valid);
  });
});
