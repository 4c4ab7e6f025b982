import type { CodeableConcept, Observation } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textCall } from '../../../src/clinical/data-elements/result-text.js';
import { screeningHighRiskRule } from '../../../src/referral/rules/screening-high-risk.js';
import { interp, pregnant, risk, run, sct } from '../../clinical/fixtures.js';

/**
 * Properties of the lab call (docs/rules.md#lab-call): an NIPT result that fires written one way
 * fires written any other way that says the same (Chinese or English, any case, full-width, with
 * the test named around it, as valueString, interpretation text or coded-value text, or as a
 * code); a negated or low / intermediate wording of it stays silent.
 */
const HIGH = [
  '高风险',
  '高危',
  '阳性',
  '风险增高',
  'high risk',
  'high-risk',
  'HIGH RISK',
  'positive',
  'Positive',
  'increased risk',
  'elevated risk',
  'screen positive',
];
const NOT_HIGH = [
  '非高风险',
  '非高危',
  '无高风险',
  '未见高风险',
  '排除高风险',
  '未见阳性',
  '低风险',
  '低危',
  '阴性',
  '未见异常',
  '未见明显异常',
  'not high risk',
  'Not high-risk',
  'non-high-risk',
  'no increased risk',
  'low risk',
  'negative',
  'screen negative',
  'NEGATIVE',
  'not positive',
  'within normal limits',
  '临界风险',
  'intermediate risk',
  'borderline',
];
const TESTS = ['', 'T21', '21三体', '21-三体综合征', 'trisomy 21', 'T18', '18三体', 'T13', '13-三体', 'NIPT：', '胎儿游离DNA '];
const HIGH_CODES = [
  interp('H'),
  interp('HH'),
  interp('A'),
  interp('AA'),
  interp('POS'),
  { coding: [sct('10828004')] },
  { coding: [sct('260373001')] },
];
const LOW_CODES = [interp('N'), interp('L'), interp('NEG'), { coding: [sct('260385009')] }];

/** Full-width ASCII (what some EHR input methods send); NFKC reads it back. */
const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

const wording = (phrases: readonly string[]) =>
  fc
    .record({
      phrase: fc.constantFrom(...phrases),
      test: fc.constantFrom(...TESTS),
      sep: fc.constantFrom('', ' ', '：', ': ', '，'),
      wide: fc.boolean(),
      suffix: fc.constantFrom('', '。', '，建议遗传咨询', ' (see report)'),
    })
    .map(({ phrase, test, sep, wide, suffix }) => {
      const s = `${test}${test ? sep : ''}${phrase}${suffix}`;
      return wide ? fullWidth(s) : s;
    });

/** Where the lab wrote it. */
const placed = (text: string) =>
  fc.constantFrom<Partial<Observation>>(
    { valueString: text },
    { valueString: '见报告', interpretation: [{ text }] },
    { valueCodeableConcept: { text } },
  );

const nipt = (value: Partial<Observation>) => run(screeningHighRiskRule, pregnant([risk('nipt-result', value)]));

describe('NIPT / screening wording (property)', () => {
  it('a high-risk wording fires wherever and however it is written', () => {
    fc.assert(
      fc.property(
        wording(HIGH).chain((t) => placed(t)),
        (value) => {
          expect(nipt(value).status).toBe('fired');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a negated, low or intermediate wording stays silent', () => {
    fc.assert(
      fc.property(
        wording(NOT_HIGH).chain((t) => placed(t)),
        (value) => {
          expect(nipt(value).status).toBe('not-fired');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the text classifier never calls a negated high wording high', () => {
    fc.assert(
      fc.property(wording(NOT_HIGH), (t) => {
        expect(textCall(t)).not.toBe('high');
      }),
      { numRuns: 300 },
    );
  });

  it('codes: a high interpretation code fires, a low one stays silent, whatever text-free value sits beside it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HIGH_CODES),
        fc.constantFrom(...LOW_CODES),
        fc.constantFrom('见报告', 'T21', '详见附件'),
        (high, low, s) => {
          expect(nipt({ valueString: s, interpretation: [high as CodeableConcept] }).status).toBe('fired');
          expect(nipt({ valueString: s, interpretation: [low as CodeableConcept] }).status).toBe('not-fired');
          expect(nipt({ valueCodeableConcept: high as CodeableConcept }).status).toBe('fired');
          expect(nipt({ valueCodeableConcept: low as CodeableConcept }).status).toBe('not-fired');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a code and a text that say high and not high never fire and are never silent', () => {
    fc.assert(
      fc.property(fc.constantFrom(...HIGH_CODES), wording(NOT_HIGH), (high, text) => {
        expect(nipt({ valueString: text, interpretation: [high as CodeableConcept] }).status).toBe('insufficient-data');
      }),
      { numRuns: 100 },
    );
  });
});
