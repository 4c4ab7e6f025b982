import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NIPT_REASON_IDS } from '../../src/engine/rule-ids.js';
import { VALUE_SETS } from '../../src/clinical/value-sets/catalogue.js';
import { compileMatcher } from '../../src/clinical/value-sets/matcher.js';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { NIPT_CATALOGUES, hasNiptMessage } from '../../src/nipt/messages.js';
import { NIPT_OVERRIDE_REASON_CODES } from '../../src/nipt/card.js';
import { NIPT_RULES } from '../../src/nipt/rules/index.js';
import { generated } from '../profiles/generated-resources.js';

const ROOT = join(import.meta.dirname, '..', '..');
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('NIPT rule catalogue (docs/rules.md#nipt)', () => {
  it('one rule per reason id, in NIPT_REASON_IDS order, one file each', () => {
    expect(NIPT_RULES.map((r) => r.id)).toEqual([...NIPT_REASON_IDS]);
    for (const r of NIPT_RULES) expect(existsSync(join(ROOT, 'src/nipt/rules', `${r.id}.ts`)), r.id).toBe(true);
  });

  it.each(NIPT_RULES.map((r) => [r.id, r] as const))('%s: citation, services, title, inputs', (_id, r) => {
    expect(r.citation.zj).toMatch(/^ZJ-2023 Art\.\d+/);
    expect(r.services).toContain('special-technique-order-sign');
    expect(r.title['zh-CN'] && r.title.en).toBeTruthy();
    expect(r.inputs.length).toBeGreaterThan(0);
  });

  it.each([
    ['nipt-ga-too-early', 'nipt-not-applicable', 'critical', 'ZJ-2023 Art.28'],
    ['nipt-maternal-malignancy', 'nipt-not-applicable', 'critical', 'ZJ-2023 Art.28'],
    ['nipt-ama', 'nipt-caution', 'warning', 'ZJ-2023 Art.28'],
    ['nipt-multiple-pregnancy', 'nipt-caution', 'warning', 'ZJ-2023 Art.28'],
    ['nipt-intermediate-risk', 'nipt-suitable', 'info', 'ZJ-2023 Art.28'],
    ['nipt-late-missed-screening', 'nipt-suitable', 'info', 'ZJ-2023 Art.28'],
    ['nipt-ga-unknown', undefined, 'warning', 'ZJ-2023 Art.28'],
    ['nipt-institution-not-authorized', undefined, 'critical', 'ZJ-2023 Art.29, 37'],
    ['nipt-consent-missing', undefined, 'warning', 'ZJ-2023 Art.22'],
  ])('%s: category %s, %s, %s', (id, category, indicator, zj) => {
    const r = NIPT_RULES.find((x) => x.id === id)!;
    expect(r.category).toBe(category);
    expect(r.indicator).toBe(indicator);
    expect(r.citation.zj).toBe(zj);
  });

  it('consent runs at order-sign only; every other rule at both hooks', () => {
    for (const r of NIPT_RULES) expect(r.hooks).toEqual(r.id === 'nipt-consent-missing' ? ['order-sign'] : ['order-select', 'order-sign']);
  });
});

describe('NIPT value sets (docs/rules.md#nipt default codes)', () => {
  const m = compileMatcher(DEFAULT_POLICY);
  const c = (system: string, code: string) => ({ system, code });
  const ICD = 'http://hl7.org/fhir/sid/icd-10';

  it('are shipped in fhir-profiles', () => {
    for (const id of [
      'nipt-order',
      'nipt-consent',
      'transfusion',
      'transplant',
      'cell-therapy',
      'malignancy',
      'chromosomal-abnormality',
      'monogenic-disorder',
      'prior-chromosomal-child',
      'ivf',
      'multiple-pregnancy',
      'fetus-count',
      'bmi',
      'rh-type',
      'rh-negative',
      'threatened-abortion',
      'bleeding-disorder',
      'chronic-infection',
      'husband-relationship',
    ]) {
      expect(VALUE_SETS[id], id).toBeDefined();
      expect(generated.valueSet(id).url).toBe(`http://prenatal-cds.org/fhir/ValueSet/${id}`);
    }
  });

  it('malignancy is C00–C97 by prefix', () => {
    for (const code of ['C00', 'C00.1', 'C50.9', 'C97']) expect(m.inValueSet('malignancy', c(ICD, code)), code).toBe(true);
    for (const code of ['C98', 'D05.1', 'B97']) expect(m.inValueSet('malignancy', c(ICD, code)), code).toBe(false);
  });

  it('threatened abortion is O20.0 (not O20.8); multiple pregnancy O30.x; IVF Z31.2', () => {
    expect(m.inValueSet('threatened-abortion', c(ICD, 'O20.0'))).toBe(true);
    expect(m.inValueSet('threatened-abortion', c(ICD, 'O20.8'))).toBe(false);
    expect(m.inValueSet('multiple-pregnancy', c(ICD, 'O30.1'))).toBe(true);
    expect(m.inValueSet('ivf', c(ICD, 'Z31.2'))).toBe(true);
  });
});

describe('NIPT message catalogues (cds-hooks/messages/nipt.*.json)', () => {
  const zh = NIPT_CATALOGUES['zh-CN'] as Record<string, string>;
  const en = NIPT_CATALOGUES.en as Record<string, string>;

  it('have the same keys and the same placeholders per key, and no markup', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const k of Object.keys(zh)) expect([k, placeholders(en[k]!)]).toEqual([k, placeholders(zh[k]!)]);
    for (const v of [...Object.values(zh), ...Object.values(en)]) expect(v).not.toMatch(/[<>&*]/);
  });

  it('have a label and an explanation for every reason, and every override reason', () => {
    for (const id of NIPT_REASON_IDS) {
      expect(hasNiptMessage('en', `reason.${id}.label`), id).toBe(true);
      const explained = Object.keys(en).some((k) => k === `explain.${id}` || k.startsWith(`explain.${id}.`));
      expect(explained, id).toBe(true);
    }
    for (const code of NIPT_OVERRIDE_REASON_CODES) expect(hasNiptMessage('zh-CN', `override.${code}`)).toBe(true);
  });

  it('override reasons are codes of the override-reason CodeSystem', () => {
    const codes = (generated.codeSystem('override-reason').concept ?? []).map((x) => x.code);
    expect(codes).toEqual(expect.arrayContaining([...NIPT_OVERRIDE_REASON_CODES]));
  });
});
