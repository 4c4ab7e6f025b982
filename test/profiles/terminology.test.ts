import { describe, expect, it } from 'vitest';
import { OVERRIDE_REASON_CODES } from '../../src/referral/card.js';
import {
  CANONICAL_BASE,
  EXTENSIONS,
  MCH_TECHNIQUE_CODES,
  NOTICE_CATEGORY_CODE,
  PRENATAL_OBSERVATION_CODES,
  PRENATAL_ORDER_CODES,
  PROFILES,
  SYSTEMS,
} from '../../src/clinical/codes.js';
import { validateAgainstBase } from '../support/fhir-validate.js';
import { generated } from './generated-resources.js';

const codesOf = (id: string): string[] => (generated.codeSystem(id).concept ?? []).map((c) => c.code);

describe('local CodeSystems (fhir-profiles) match src/clinical/codes.ts', () => {
  it.each([
    ['prenatal-observation', PRENATAL_OBSERVATION_CODES],
    ['prenatal-order', PRENATAL_ORDER_CODES],
    ['mch-technique', MCH_TECHNIQUE_CODES],
    ['notice-category', [NOTICE_CATEGORY_CODE]],
    ['mch-certificate-type', ['assessment-certificate', 'annotated-physician-licence']],
    ['mch-institution-role', ['prenatal-diagnosis-institution', 'prenatal-screening-institution']],
  ] as const)('%s has exactly the shared codes', (id, codes) => {
    expect(codesOf(id)).toEqual([...codes]);
  });

  it('override-reason has every override reason the cards offer', () => {
    expect(codesOf('override-reason')).toEqual(expect.arrayContaining([...OVERRIDE_REASON_CODES]));
  });

  it('every local system in SYSTEMS is a generated CodeSystem with that canonical URL', () => {
    const local = Object.values(SYSTEMS).filter((s) => s.startsWith(`${CANONICAL_BASE}/CodeSystem/`));
    expect(
      generated
        .codeSystems()
        .map((cs) => cs.url)
        .sort(),
    ).toEqual([...local].sort());
  });

  it.each(generated.codeSystems().map((cs) => [cs.id, cs] as const))(
    '%s: Chinese display, English designation, a ValueSet of all codes',
    (id, cs) => {
      expect(cs.language).toBe('zh-CN');
      for (const c of cs.concept ?? []) {
        expect(c.display).toMatch(/[\u4e00-\u9fff]/);
        expect(c.designation?.find((d) => d.language === 'en')?.value).toBeTruthy();
      }
      expect(generated.valueSet(id!).compose?.include).toEqual([{ system: cs.url }]);
    },
  );
});

describe('generated StructureDefinitions', () => {
  const urls = generated.structureDefinitions().map((sd) => sd.url);

  it('define every extension and profile URL of src/clinical/codes.ts, and nothing else', () => {
    expect([...urls].sort()).toEqual([...Object.values(EXTENSIONS), ...Object.values(PROFILES)].sort());
  });

  it('carry snapshots (the validator needs them)', () => {
    for (const sd of generated.structureDefinitions()) expect(sd.snapshot?.element.length).toBeGreaterThan(1);
  });

  it('are, with the CodeSystems and ValueSets, valid R4 resources', () => {
    const all = [...generated.structureDefinitions(), ...generated.codeSystems(), ...generated.valueSets()];
    const errors = all.flatMap((r) =>
      validateAgainstBase(r)
        .filter((i) => i.severity === 'error')
        .map((i) => `${r.resourceType}/${r.id} ${i.path}: ${i.message}`),
    );
    expect(errors).toEqual([]);
  });
});
