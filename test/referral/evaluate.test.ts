import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { evaluateReferral } from '../../src/referral/evaluate.js';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { REFERRAL_RULE_IDS } from '../../src/engine/rule-ids.js';
import type { Rule } from '../../src/engine/rule.js';
import type { PregnancyFacts } from '../../src/clinical/finding-params.js';
import { REFERRAL_RULES } from '../../src/referral/rules/index.js';
import { EXTENSIONS, SYSTEMS } from '../../src/clinical/codes.js';
import {
  afi,
  atc,
  code,
  condition,
  EDD,
  eddObs,
  familyHistory,
  icd,
  interp,
  medStatement,
  nowOn,
  nt,
  patient,
  PID,
  pregnant,
  report,
  risk,
  sct,
  snapshotOf,
} from '../clinical/fixtures.js';

const everything = (): Resource[] => [
  afi(4.5),
  nt(3.6),
  report(sct('17190001')),
  condition(icd('O35.5'), { onsetDateTime: '2025-01-20' }),
  medStatement(atc('N03AG01'), { effectivePeriod: { start: '2024-10-01' } }),
  familyHistory('MTH', sct('41040004')),
  familyHistory('SON', sct('70156005')),
  risk('t21-risk', { valueString: '1/100', interpretation: [interp('H')] }),
  // abnormal-result-notice: an amniocentesis karyotype 47,XX,+21 from a prenatal-diagnosis institution.
  report(code(SYSTEMS.icd10cn, 'Q90.000'), {
    code: { coding: [code(SYSTEMS.prenatalOrder, 'karyotype')] },
    conclusion: '47,XX,+21',
    performer: [{ reference: 'Organization/org-pd' }],
  }),
  {
    resourceType: 'Organization',
    id: 'org-pd',
    name: '浙江大学医学院附属妇产科医院',
    extension: [{ url: EXTENSIONS.mchInstitutionRole, valueCode: 'prenatal-diagnosis-institution' }],
  },
];

describe('evaluateReferral', () => {
  it('registry: one rule per id of docs/rules.md, each with citation, services, inputs, version and titles', () => {
    expect(REFERRAL_RULES.map((r) => r.id)).toEqual([...REFERRAL_RULE_IDS]);
    for (const r of REFERRAL_RULES) {
      expect(r.version).toBe('1.0.0');
      expect(r.citation.zj).toMatch(/^ZJ-2023 Art\./);
      // ZJ-2023 Art.27 is cited alone (docs/rules.md#abnormal-result-notice).
      if (r.id !== 'abnormal-result-notice') expect(r.citation.national).toMatch(/^PDM Art\./);
      expect(r.services).toEqual(['prenatal-diagnosis-referral', 'prenatal-diagnosis-referral-encounter']);
      expect(r.inputs.length).toBeGreaterThan(0);
      expect(r.title['zh-CN'].length * r.title.en.length).toBeGreaterThan(0);
    }
  });

  it('a woman with every indication gets one finding per rule, with facts', () => {
    const snap = pregnant(everything(), patient({ birthDate: '1985-03-03' }));
    const r = evaluateReferral(snap, DEFAULT_POLICY, nowOn());
    expect(r.errors).toEqual([]);
    expect(r.findings.map((f) => f.rule)).toEqual([...REFERRAL_RULE_IDS]);
    expect(r.facts).toMatchObject({ current: true, edd: { date: EDD }, ga: '22+4', pregnancyKey: `Patient/${PID}|${EDD}` });
    for (const f of r.findings) expect(f.evidence.length).toBeGreaterThan(0);
    expect(r.findings.find((f) => f.rule === 'screening-high-risk')?.citation).toBe('ZJ-2023 Art.9, Art.23; PDM Art.16');
  });

  it('not pregnant ⇒ no findings, every rule not-applicable', () => {
    const r = evaluateReferral(snapshotOf(everything(), patient({ birthDate: '1970-01-01' })), DEFAULT_POLICY, nowOn());
    expect(r.facts.current).toBe(false);
    expect(r.findings).toEqual([]);
    for (const id of REFERRAL_RULE_IDS) expect(r.outcomes[id]?.status).toBe('not-applicable');
  });

  it('a male patient is silent even with pregnancy-looking data', () => {
    const r = evaluateReferral(
      snapshotOf([eddObs(EDD), ...everything()], patient({ gender: 'male', birthDate: '1970-01-01' })),
      DEFAULT_POLICY,
      nowOn(),
    );
    expect(r.findings).toEqual([]);
  });

  it('a rule that throws is recorded and the other rules still run', () => {
    const boom: Rule<PregnancyFacts> = {
      ...REFERRAL_RULES[1]!,
      evaluate: () => {
        throw new Error('boom');
      },
    };
    const rules = [REFERRAL_RULES[0]!, boom, ...REFERRAL_RULES.slice(2)];
    const r = evaluateReferral(pregnant(everything(), patient({ birthDate: '1985-03-03' })), DEFAULT_POLICY, nowOn(), rules);
    expect(r.errors).toEqual([
      { rule: 'amniotic-fluid', version: '1.0.0', citation: 'ZJ-2023 Art.24(1); PDM Art.17(1)', cause: 'boom', errorClass: 'Error' },
    ]);
    expect(r.outcomes['amniotic-fluid']).toBeUndefined();
    expect(r.findings.map((f) => f.rule)).toEqual(REFERRAL_RULE_IDS.filter((id) => id !== 'amniotic-fluid'));
  });

  it('the frozen snapshot is not mutated, and evaluating it does not throw', () => {
    const snap = pregnant(everything(), patient({ birthDate: '1985-03-03' }));
    const all = ['Patient', 'Observation', 'Condition', 'DiagnosticReport', 'FamilyMemberHistory', 'MedicationStatement'] as const;
    const before = all.map((t) => JSON.stringify(snap.ofType(t)));
    const names = snap.ofType('Observation').map((o) => Object.getOwnPropertyNames(o.code!.coding![0]!).join());
    expect(() => evaluateReferral(snap, DEFAULT_POLICY, nowOn())).not.toThrow();
    expect(all.map((t) => JSON.stringify(snap.ofType(t)))).toEqual(before);
    expect(snap.ofType('Observation').map((o) => Object.getOwnPropertyNames(o.code!.coding![0]!).join())).toEqual(names);
    expect(Object.isFrozen(snap.ofType('Observation')[0])).toBe(true);
  });

  it('invalid dates in resources are bad data: skipped, no crash, no error record', () => {
    const bad = [
      afi(3, 'cm', { date: '2025-02-30' }),
      condition(icd('O35.0'), { recordedDate: '2025-13-01' }),
      eddObs('1985-02-30', { loincCode: '11781-2' }),
    ];
    const r = evaluateReferral(pregnant(bad), DEFAULT_POLICY, nowOn());
    expect(r.errors).toEqual([]);
    expect(r.facts.edd?.date).toBe(EDD);
    expect(r.outcomes['amniotic-fluid']?.status).toBe('insufficient-data');
    expect(r.outcomes['fetal-anomaly']?.status).toBe('insufficient-data');
  });

  it('no birthDate and no EDD: ama insufficient, others still decide', () => {
    const r = evaluateReferral(
      snapshotOf([condition(sct('77386006')), afi(3)], patient({ birthDate: undefined })),
      DEFAULT_POLICY,
      nowOn(),
    );
    expect(r.facts).toMatchObject({ current: true });
    expect(r.facts.edd).toBeUndefined();
    expect(r.outcomes.ama?.status).toBe('insufficient-data');
    expect(r.outcomes['amniotic-fluid']?.status).toBe('fired');
  });
});
