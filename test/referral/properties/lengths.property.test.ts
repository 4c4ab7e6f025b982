import type { Observation, Quantity } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordedLength } from '../../../src/clinical/data-elements/units.js';
import { amnioticFluidRule } from '../../../src/referral/rules/amniotic-fluid.js';
import { loinc, observation, pregnant, run } from '../../clinical/fixtures.js';

/**
 * Property (docs/rules.md#units): a length written in any accepted spelling — UCUM `cm` / `mm` in
 * `code` or `unit`, any case, full-width, 厘米 / 公分 / 毫米, or as text "4 厘米" — reads as the same
 * centimetres, so an AFI that fires written as UCUM cm still fires in every spelling, and one that
 * is silent stays silent.
 */
const CM = ['cm', 'CM', 'Cm', 'ｃｍ', '厘米', '公分'] as const;
const MM = ['mm', 'MM', 'Mm', 'ｍｍ', '毫米'] as const;

/** A tenth of a centimetre, 0.1 .. 40.0 cm. */
const tenths = fc.integer({ min: 1, max: 400 });

/** One way of writing `tenths / 10` cm as an Observation value. */
const written = (t: number) =>
  fc.oneof(
    fc.record({ unit: fc.constantFrom(...CM), where: fc.constantFrom('code', 'unit', 'both', 'text', 'text-spaced') }).map((w) => ({
      ...w,
      value: t / 10,
    })),
    fc.record({ unit: fc.constantFrom(...MM), where: fc.constantFrom('code', 'unit', 'both', 'text', 'text-spaced') }).map((w) => ({
      ...w,
      value: t,
    })),
  );

type Written = { unit: string; where: string; value: number };

function asValue(w: Written): Pick<Observation, 'valueQuantity' | 'valueString'> {
  if (w.where === 'text') return { valueString: `${w.value}${w.unit}` };
  if (w.where === 'text-spaced') return { valueString: ` ${w.value} ${w.unit} ` };
  const q: Quantity = { value: w.value };
  if (w.where !== 'unit') q.code = w.unit;
  if (w.where !== 'code') q.unit = w.unit;
  return { valueQuantity: q };
}

const afiOf = (value: Pick<Observation, 'valueQuantity' | 'valueString'>) => observation(loinc('11627-7'), value);

describe('length spellings (property)', () => {
  it('every spelling of a length reads as the same centimetres', () => {
    fc.assert(
      fc.property(
        tenths.chain((t) => written(t).map((w) => [t, w] as const)),
        ([t, w]) => {
          const r = recordedLength(asValue(w), 'cm');
          expect(r).toEqual({ ok: true, value: t / 10 });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an AFI decides the same in every spelling as in UCUM cm (fired stays fired, silent stays silent)', () => {
    fc.assert(
      fc.property(
        tenths.chain((t) => written(t).map((w) => [t, w] as const)),
        ([t, w]) => {
          const canonical = run(
            amnioticFluidRule,
            pregnant([afiOf({ valueQuantity: { value: t / 10, unit: 'cm', code: 'cm', system: 'http://unitsofmeasure.org' } })]),
          );
          const variant = run(amnioticFluidRule, pregnant([afiOf(asValue(w))]));
          expect(variant.status).toBe(canonical.status);
          expect(canonical.status).toBe(t <= 50 || t >= 250 ? 'fired' : 'not-fired');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('no unit or an unknown unit is never silent: insufficient-data', () => {
    fc.assert(
      fc.property(tenths, fc.constantFrom(undefined, 'in', '[in_i]', 'm', '米', 'furlong', 'cm2'), (t, unit) => {
        const q: Quantity = unit === undefined ? { value: t / 10 } : { value: t / 10, unit };
        expect(run(amnioticFluidRule, pregnant([afiOf({ valueQuantity: q })])).status).toBe('insufficient-data');
      }),
      { numRuns: 100 },
    );
  });
});
