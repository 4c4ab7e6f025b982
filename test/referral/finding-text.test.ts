import { describe, expect, it } from 'vitest';
import { describeFinding } from '../../src/referral/finding-text.js';
import { evidenceLine } from '../../src/render/evidence-text.js';
import { REFERRAL_RULE_IDS } from '../../src/engine/rule-ids.js';
import { finding } from './fixtures.js';

describe('findings in plain language', () => {
  it('ama: age at the EDD against the threshold, with the comparator in words', () => {
    expect(describeFinding(finding('ama'), 'zh-CN').sentence).toBe(
      '孕妇至预产期（2026-08-01）年龄36周岁，达到或超过35周岁（出生日期 1990-05-20）。',
    );
    const gt = describeFinding(finding('ama', { comparator: '>', reference: 'today', referenceDate: '2026-03-10' }), 'en');
    expect(gt.sentence).toBe('Age 36 full years today (no EDD could be determined) (2026-03-10), above 35 (born 1990-05-20).');
  });

  it('amniotic fluid: AFI / DVP measurement with threshold, or the coded finding', () => {
    expect(describeFinding(finding('amniotic-fluid'), 'zh-CN').sentence).toBe('羊水指数（AFI）4.2 cm，提示羊水过少（界值 5 cm）。');
    const dvp = finding('amniotic-fluid', {
      kind: 'polyhydramnios',
      decidedBy: 'dvp',
      thresholdCm: 8,
      items: [{ reference: 'Observation/d1', value: 9.1, unit: 'cm' }],
    });
    expect(describeFinding(dvp, 'en').sentence).toBe('Deepest vertical pocket (DVP) 9.1 cm: polyhydramnios (threshold 8 cm).');
    const coded = finding('amniotic-fluid', { decidedBy: 'coded', thresholdCm: undefined, items: [{ reference: 'Condition/o1' }] });
    expect(describeFinding(coded, 'zh-CN').sentence).toBe('病历记录羊水过少。');
  });

  it('fetal anomaly names its sources and the NT threshold', () => {
    expect(describeFinding(finding('fetal-anomaly'), 'zh-CN').sentence).toBe(
      '胎儿发育异常或可疑畸形（来源：诊断、NT测量）。胎儿颈项透明层（NT）增厚，达到或超过 3 mm。',
    );
  });

  it('teratogen exposure is worded as possible, physician to confirm', () => {
    expect(describeFinding(finding('teratogen-exposure'), 'zh-CN').sentence).toContain('可能存在致畸物暴露，请医师核实');
    expect(describeFinding(finding('teratogen-exposure'), 'en').sentence).toMatch(/^Possible teratogen exposure — physician to confirm/);
  });

  it('screening high risk: risk vs cut-off, interpretation, AFP MoM', () => {
    expect(describeFinding(finding('screening-high-risk'), 'zh-CN').sentence).toBe('21三体综合征筛查高风险：风险 1/120，达到界值 1/270。');
    const interp = finding('screening-high-risk', {
      decidedBy: 'interpretation',
      test: 'nipt',
      riskN: undefined,
      cutoffN: undefined,
      interpretation: 'POS',
    });
    expect(describeFinding(interp, 'en').sentence).toBe('Cell-free fetal DNA (NIPT) screening result interpreted as high risk (POS).');
    const mom = finding('screening-high-risk', { test: 'ntd', riskN: undefined, cutoffN: undefined, mom: 2.5 });
    expect(describeFinding(mom, 'en').sentence).toBe('Open neural tube defect screening high risk: AFP MoM 2.5.');
  });

  it('evidence lines: relationship in words, display and text, value, date, reference', () => {
    expect(describeFinding(finding('genetic-family-history'), 'zh-CN').evidence).toEqual([
      '母亲：Cystic fibrosis [FamilyMemberHistory/f1]',
    ]);
    expect(describeFinding(finding('prior-affected-birth'), 'en').evidence).toEqual(['son: Down syndrome [FamilyMemberHistory/f2]']);
    expect(describeFinding(finding('amniotic-fluid'), 'en').evidence).toEqual([
      'Amniotic fluid index 4.2 cm (2026-03-01) [Observation/afi1]',
    ]);
    expect(describeFinding(finding('fetal-anomaly'), 'zh-CN').evidence[0]).toBe(
      '胎儿中枢神经系统畸形 — 侧脑室增宽（2026-02-20） [Condition/c1]',
    );
    expect(evidenceLine({ reference: 'Observation/x', code: { system: 's', code: 'c1' } }, 'en')).toBe('c1 [Observation/x]');
  });

  it('falls back to bare references when params carry no items', () => {
    const f = { rule: 'genetic-family-history' as const, citation: 'c', evidence: ['FamilyMemberHistory/z'], params: {} };
    expect(describeFinding(f, 'en').evidence).toEqual(['[FamilyMemberHistory/z]']);
  });
});

describe('findings with incomplete params', () => {
  it.each(REFERRAL_RULE_IDS)('%s renders without throwing on empty or partial params', (rule) => {
    for (const locale of ['zh-CN', 'en'] as const) {
      expect(() => describeFinding({ rule, citation: 'c', evidence: [], params: {} }, locale)).not.toThrow();
      expect(() =>
        describeFinding(
          { rule, citation: 'c', evidence: [], params: { items: [{}, null], test: 'x', sources: ['y'], kinds: ['z'] } },
          locale,
        ),
      ).not.toThrow();
    }
  });
});
