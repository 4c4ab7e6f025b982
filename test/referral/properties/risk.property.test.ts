import type { Observation } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { riskN } from '../../../src/clinical/data-elements/risk.js';
import { screeningHighRiskRule } from '../../../src/referral/rules/screening-high-risk.js';
import { interp, pregnant, risk, run } from '../../clinical/fixtures.js';

/**
 * Properties of screening risks (docs/rules.md#risks): a T21 risk 1/N written in any accepted form —
 * "1:N", "1/N", full-width "1：N" / "１／Ｎ", thousands separators, words around it, a bare
 * integer N (1/N), a Ratio k:kN, a probability — reads as N and decides like "1/N": high risk at
 * N ≤ 270 fires in every form, N > 270 stays silent in every form.
 */
const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const thousands = (n: number) => n.toLocaleString('en-US');

/** Forms of the risk 1/N (N an integer). */
function forms(n: number): fc.Arbitrary<Partial<Observation>> {
  return fc.oneof(
    fc.constantFrom(':', '/', '：', '／').map((sep) => ({ valueString: `1${sep}${n}` })),
    fc.constantFrom(' 1 : ', '1：', '1/').map((sep) => ({ valueString: `${sep}${thousands(n)}` })),
    fc.constant({ valueString: fullWidth(`1:${n}`) }),
    fc.constantFrom('21三体风险值 ', 'T21 risk ', '风险：').map((pre) => ({ valueString: `${pre}1:${n}` })),
    fc.constant({ valueInteger: n }),
    fc.constant({ valueString: String(n) }),
    fc.integer({ min: 1, max: 5 }).map((k) => ({ valueRatio: { numerator: { value: k }, denominator: { value: k * n } } })),
    fc.constant({ valueQuantity: { value: 1 / n, unit: '1', code: '1', system: 'http://unitsofmeasure.org' } }),
    fc.constant({ valueQuantity: { value: 100 / n, unit: '%' } }),
    fc.constant({ valueQuantity: { value: n } }),
  );
}

const N = fc.oneof(fc.integer({ min: 2, max: 2000 }), fc.constantFrom(269, 270, 271, 350, 1000, 1001));

const t21 = (value: Partial<Observation>) => run(screeningHighRiskRule, pregnant([risk('t21-risk', value)]));

describe('screening risk forms (property)', () => {
  it('every form of 1/N reads as N', () => {
    fc.assert(
      fc.property(
        N.chain((n) => forms(n).map((f) => [n, f] as const)),
        ([n, f]) => {
          const r = riskN(risk('t21-risk', f));
          expect(r.ok).toBe(true);
          if (r.ok) expect(r.value).toBeCloseTo(n, 6);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('every form decides like "1/N" (fired stays fired, silent stays silent)', () => {
    fc.assert(
      fc.property(
        N.chain((n) => forms(n).map((f) => [n, f] as const)),
        ([n, f]) => {
          const canonical = t21({ valueString: `1/${n}` }).status;
          expect(canonical).toBe(n <= 270 ? 'fired' : 'not-fired');
          expect(t21(f).status).toBe(canonical);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a lab call that disagrees with the number is never silent and never fires', () => {
    fc.assert(
      fc.property(N, fc.constantFrom('N', 'L', 'NEG'), fc.constantFrom('H', 'HH', 'POS', 'A'), (n, low, high) => {
        const call = n <= 270 ? low : high;
        const o = t21({ valueString: `1:${n}`, interpretation: [interp(call)] });
        expect(o.status).toBe('insufficient-data');
        if (o.status === 'insufficient-data') expect(o.reason).toContain('lab call and value disagree');
        const agreeing = t21({ valueString: `1:${n}`, interpretation: [interp(n <= 270 ? high : low)] });
        expect(agreeing.status).toBe(n <= 270 ? 'fired' : 'not-fired');
      }),
      { numRuns: 200 },
    );
  });
});
