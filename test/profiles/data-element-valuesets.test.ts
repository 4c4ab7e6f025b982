import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VALUE_SETS } from '../../src/clinical/value-sets/catalogue.js';
import { DATA_ELEMENT_FSH, prefixRegex, renderValueSetFsh } from '../../scripts/gen-valueset-fsh.js';
import { generated } from './generated-resources.js';

const defs = Object.values(VALUE_SETS);

describe('data-element ValueSets (generated from src/clinical/value-sets/catalogue.ts)', () => {
  it('the committed data-element-valuesets.fsh is what the generator writes today', () => {
    expect(readFileSync(DATA_ELEMENT_FSH, 'utf8')).toBe(renderValueSetFsh(VALUE_SETS));
  });

  it.each(defs.map((d) => [d.id, d] as const))('%s: every code and prefix rule is in the generated ValueSet', (id, def) => {
    const vs = generated.valueSet(id);
    expect(vs.url).toBe(`http://prenatal-cds.org/fhir/ValueSet/${id}`);
    const codes = new Set((vs.compose?.include ?? []).flatMap((inc) => (inc.concept ?? []).map((c) => `${inc.system}|${c.code}`)));
    for (const inc of def.include) for (const code of inc.codes) expect(codes).toContain(`${inc.system}|${code}`);
    const filters = (part: 'include' | 'exclude'): string[] =>
      (vs.compose?.[part] ?? []).flatMap((inc) => (inc.filter ?? []).map((f) => `${inc.system}|${f.property} ${f.op} ${f.value}`));
    for (const p of def.prefixes ?? []) {
      for (const prefix of p.prefixes) expect(filters('include')).toContain(`${p.system}|code regex ${prefixRegex(p.system, prefix)}`);
      for (const ex of p.exclude ?? []) expect(filters('exclude')).toContain(`${p.system}|code regex ${prefixRegex(p.system, ex)}`);
    }
  });
});

describe('prefixRegex', () => {
  it.each([
    ['http://hl7.org/fhir/sid/icd-10', 'O35', ['O35', 'O35.0', 'O350', 'O35.91'], ['O36.0', 'XO35']],
    ['http://hl7.org/fhir/sid/icd-10', 'O35.5', ['O35.5', 'O355', 'O35.5X1'], ['O35.6', 'O35']],
    ['http://snomed.info/sct', '1.2', ['1.2', '1.23'], ['102']],
  ])('%s %s', (system, prefix, matches, misses) => {
    const re = new RegExp(`^(?:${prefixRegex(system, prefix)})$`);
    for (const m of matches) expect(m).toMatch(re);
    for (const m of misses) expect(m).not.toMatch(re);
  });
});
