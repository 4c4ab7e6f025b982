import { describe, expect, it } from 'vitest';
import type { AmnioticFluidParams } from '../../src/clinical/finding-params.js';
import { describeFinding } from '../../src/referral/finding-text.js';
import { evidenceLine } from '../../src/render/evidence-text.js';
import { finding } from './fixtures.js';

/** docs/rules.md#amniotic-fluid: the card names the fetus and shows the course. */
const twins: Partial<AmnioticFluidParams> = {
  kind: 'oligohydramnios',
  decidedBy: 'afi',
  thresholdCm: 5,
  abnormal: [
    {
      measure: 'afi',
      valueCm: 4,
      date: '2026-11-20T10:05:00+08:00',
      fetus: 'B',
      kind: 'oligohydramnios',
      thresholdCm: 5,
      reference: 'Observation/b',
    },
  ],
  course: [
    { measure: 'afi', valueCm: 9, date: '2026-11-20T10:05:00+08:00', fetus: 'A', reference: 'Observation/a' },
    {
      measure: 'afi',
      valueCm: 4,
      date: '2026-11-20T10:05:00+08:00',
      fetus: 'B',
      kind: 'oligohydramnios',
      thresholdCm: 5,
      reference: 'Observation/b',
    },
  ],
  items: [{ reference: 'Observation/b', value: 4, unit: 'cm', fetus: 'B' }],
};

describe('amniotic fluid in plain language', () => {
  it('names the fetus of each abnormal reading of the most recent abnormal day, then the course', () => {
    expect(describeFinding(finding('amniotic-fluid', twins), 'zh-CN').sentence).toBe(
      '胎儿B：羊水指数（AFI）4.0 cm（2026-11-20），提示羊水过少（界值 5 cm）。本次妊娠羊水测量：胎儿A AFI 9.0 cm（2026-11-20）、胎儿B AFI 4.0 cm（2026-11-20）。',
    );
    expect(describeFinding(finding('amniotic-fluid', twins), 'en').sentence).toBe(
      'Fetus B: Amniotic fluid index (AFI) 4.0 cm on 2026-11-20: oligohydramnios (threshold 5 cm). Measurements in this pregnancy: Fetus A AFI 9.0 cm on 2026-11-20, Fetus B AFI 4.0 cm on 2026-11-20.',
    );
  });

  it('the course of a singleton: 4.0 cm on 10-01, 9.0 cm on 11-20', () => {
    const p: Partial<AmnioticFluidParams> = {
      abnormal: [{ measure: 'afi', valueCm: 4, date: '2026-10-01', kind: 'oligohydramnios', thresholdCm: 5, reference: 'Observation/x' }],
      course: [
        { measure: 'afi', valueCm: 4, date: '2026-10-01', kind: 'oligohydramnios', thresholdCm: 5, reference: 'Observation/x' },
        { measure: 'dvp', valueCm: 4.55, date: '2026-11-20', reference: 'Observation/y' },
      ],
    };
    expect(describeFinding(finding('amniotic-fluid', p), 'en').sentence).toBe(
      'Amniotic fluid index (AFI) 4.0 cm on 2026-10-01: oligohydramnios (threshold 5 cm). Measurements in this pregnancy: AFI 4.0 cm on 2026-10-01, DVP 4.55 cm on 2026-11-20.',
    );
  });

  it('one reading: no course sentence; a fetus named as written when it has no designation', () => {
    const p: Partial<AmnioticFluidParams> = {
      abnormal: [
        {
          measure: 'dvp',
          valueCm: 9,
          date: '2026-11-20',
          fetus: 'Patient/xyz',
          kind: 'polyhydramnios',
          thresholdCm: 8,
          reference: 'Observation/x',
        },
      ],
      course: [
        {
          measure: 'dvp',
          valueCm: 9,
          date: '2026-11-20',
          fetus: 'Patient/xyz',
          kind: 'polyhydramnios',
          thresholdCm: 8,
          reference: 'Observation/x',
        },
      ],
    };
    expect(describeFinding(finding('amniotic-fluid', p), 'zh-CN').sentence).toBe(
      'Patient/xyz：羊水最大暗区垂直深度（DVP）9.0 cm（2026-11-20），提示羊水过多（界值 8 cm）。',
    );
  });

  it('a coded finding with measurements shows the course beside it', () => {
    const p: Partial<AmnioticFluidParams> = {
      decidedBy: 'coded',
      thresholdCm: undefined,
      course: [{ measure: 'afi', valueCm: 9, date: '2026-11-20', reference: 'Observation/x' }],
      items: [{ reference: 'Condition/o1' }],
    };
    expect(describeFinding(finding('amniotic-fluid', p), 'zh-CN').sentence).toBe(
      '病历记录羊水过少。本次妊娠羊水测量：AFI 9.0 cm（2026-11-20）。',
    );
  });

  it('evidence lines name the fetus', () => {
    expect(evidenceLine({ reference: 'Observation/b', value: 4, unit: 'cm', fetus: 'B', date: '2026-11-20' }, 'zh-CN')).toContain('胎儿B');
    expect(evidenceLine({ reference: 'Observation/b', value: 4, unit: 'cm', fetus: 'B' }, 'en')).toContain('Fetus B');
  });
});
