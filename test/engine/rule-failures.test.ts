import { describe, expect, it } from 'vitest';
import type { RuleError } from '../../src/engine/rule.js';
import { errorClassOf } from '../../src/engine/run-rules.js';
import { everyRuleFailed } from '../../src/engine/service.js';

const error: RuleError = { rule: 'ama', version: '1.0.0', citation: 'ZJ-2023 Art.24(5)', cause: 'x', errorClass: 'TypeError' };

describe('every rule failed (docs/design.md#rule-failures): at least one rule ran and every rule that ran threw', () => {
  it.each([
    { ruleRuns: undefined, errors: 1, expected: false, why: 'not counted' },
    { ruleRuns: 0, errors: 0, expected: false, why: 'nothing ran (no current pregnancy, no order concerned)' },
    { ruleRuns: 7, errors: 0, expected: false, why: 'all answered' },
    { ruleRuns: 7, errors: 6, expected: false, why: 'one answered (any outcome, not-applicable too)' },
    { ruleRuns: 7, errors: 7, expected: true, why: 'every one threw' },
    { ruleRuns: 1, errors: 1, expected: true, why: 'the only one threw' },
  ])('$why → $expected', ({ ruleRuns, errors, expected }) => {
    const ruleErrors = Array.from({ length: errors }, () => error);
    expect(everyRuleFailed(ruleRuns === undefined ? { ruleErrors } : { ruleErrors, ruleRuns })).toBe(expected);
  });
});

describe('the error class of what a rule threw is safe to log', () => {
  it('an Error: its class name; anything else: its type', () => {
    expect(errorClassOf(new TypeError('王芳'))).toBe('TypeError');
    expect(errorClassOf(new RangeError('x'))).toBe('RangeError');
    expect(errorClassOf('张丽')).toBe('string');
    expect(errorClassOf(undefined)).toBe('undefined');
  });

  it('an Error whose name was set from data is reported as Error', () => {
    const e = new Error('x');
    e.name = '患者王芳 MRN-0387';
    expect(errorClassOf(e)).toBe('Error');
  });
});
