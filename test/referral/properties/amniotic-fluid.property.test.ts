import type { Condition, Observation, Resource } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SYSTEMS } from '../../../src/clinical/codes.js';
import { amnioticFluidRule } from '../../../src/referral/rules/amniotic-fluid.js';
import { clinical, code, condition, loinc, observation, pregnant, run, sct, ucum } from '../../clinical/fixtures.js';

/**
 * Properties of `amniotic-fluid` over the pregnancy's course and per fetus (docs/rules.md#amniotic-fluid,
 * #per-fetus): the outcome and its params never depend on the order of the Bundle; it fires exactly
 * when some reading of some fetus at some date of this pregnancy is ≤ 5 cm or ≥ 25 cm (AFI); a
 * fetus named by `focus`, by `bodySite` or by component decides the same; a coded oligo- /
 * polyhydramnios fires in any ICD-10 spelling and clinical status, and never when refuted.
 */
const DAYS = ['2025-02-10', '2025-03-15', '2025-04-20', '2025-05-20'] as const;

interface Reading {
  readonly day: (typeof DAYS)[number];
  readonly fetus: 'A' | 'B';
  readonly tenths: number;
}

const readingArb = fc.record({
  day: fc.constantFrom(...DAYS),
  fetus: fc.constantFrom<'A' | 'B'>('A', 'B'),
  tenths: fc.integer({ min: 10, max: 300 }),
});

/** Unique (day, fetus) pairs: one AFI per fetus per scan. */
const courseArb = fc.uniqueArray(readingArb, { minLength: 1, maxLength: 8, selector: (r) => `${r.day}|${r.fetus}` });

type Style = 'focus' | 'bodySite' | 'components';

function resources(course: readonly Reading[], style: Style): Observation[] {
  const afi = (r: Reading, extra: Partial<Observation>) =>
    observation(loinc('11627-7'), { valueQuantity: ucum(r.tenths / 10, 'cm') }, { date: r.day, ...extra });
  if (style === 'focus')
    return course.map((r) => afi(r, { focus: [{ reference: `Patient/fetus-${r.fetus.toLowerCase()}`, display: `胎儿${r.fetus}` }] }));
  if (style === 'bodySite') return course.map((r) => afi(r, { bodySite: { text: `Fetus ${r.fetus}` } }));
  // One Observation per scan day, one component per fetus.
  return DAYS.flatMap((day) => {
    const today = course.filter((r) => r.day === day).sort((a, b) => a.fetus.localeCompare(b.fetus));
    if (today.length === 0) return [];
    return [
      observation(
        loinc('11627-7'),
        {
          component: today.map((r) => ({
            code: { coding: [loinc('11627-7')], text: `胎儿${r.fetus} 羊水指数` },
            valueQuantity: ucum(r.tenths / 10, 'cm'),
          })),
        },
        { date: day },
      ),
    ];
  });
}

/** The same resources in another order (the Bundle order an EHR happened to send). */
const permuted = <T>(xs: readonly T[], keys: readonly number[]): T[] =>
  xs
    .map((x, i) => [x, keys[i % keys.length]! + i / 1000] as const)
    .sort((a, b) => a[1] - b[1])
    .map(([x]) => x);

const abnormal = (r: Reading) => r.tenths <= 50 || r.tenths >= 250;

describe('amniotic-fluid course and twins (property)', () => {
  it('fires exactly when some fetus had an abnormal AFI at some scan; never depends on Bundle order', () => {
    fc.assert(
      fc.property(
        courseArb,
        fc.constantFrom<Style>('focus', 'bodySite', 'components'),
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 8 }),
        (course, style, keys) => {
          const rs = resources(course, style);
          const a = run(amnioticFluidRule, pregnant(rs));
          const b = run(amnioticFluidRule, pregnant(permuted(rs, keys)));
          const c = run(amnioticFluidRule, pregnant([...rs].reverse()));
          expect(b).toEqual(a);
          expect(c).toEqual(a);
          expect(a.status).toBe(course.some(abnormal) ? 'fired' : 'not-fired');
          if (a.status === 'fired') {
            const p = a.findings[0]!.params as { abnormal: { fetus?: string; valueCm: number }[]; course: unknown[] };
            expect(p.course).toHaveLength(course.length);
            expect(new Set(p.abnormal.map((x) => x.fetus))).toEqual(new Set(course.filter(abnormal).map((r) => r.fetus)));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a coded oligo-/polyhydramnios fires in any ICD-10 spelling and clinical status; refuted or entered-in-error never', () => {
    const ICD = [SYSTEMS.icd10, SYSTEMS.icd10cn];
    fc.assert(
      fc.property(
        fc.constantFrom('O41.0', 'O41.000', 'O410', 'o41.0', 'O40', 'O40.x00', 'O40.900'),
        fc.constantFrom(...ICD),
        fc.constantFrom('active', 'resolved', 'inactive', 'remission', undefined),
        fc.constantFrom('confirmed', 'provisional', 'refuted', 'entered-in-error'),
        (icd, system, status, verification) => {
          const cond: Condition = condition(code(system, icd), {
            ...(status ? { clinicalStatus: clinical(status) } : { clinicalStatus: undefined }),
            verificationStatus: { coding: [code('http://terminology.hl7.org/CodeSystem/condition-ver-status', verification)] },
          });
          const o = run(amnioticFluidRule, pregnant([cond as Resource]));
          const excluded = verification === 'refuted' || verification === 'entered-in-error';
          expect(o.status).toBe(excluded ? 'not-fired' : 'fired');
          if (o.status === 'fired')
            expect(o.findings[0]!.params['kind']).toBe(icd.toUpperCase().startsWith('O41') ? 'oligohydramnios' : 'polyhydramnios');
        },
      ),
      { numRuns: 120 },
    );
  });

  it('SNOMED oligohydramnios findings fire as Condition or as a finding Observation', () => {
    fc.assert(
      fc.property(fc.constantFrom('59566000', '289292001'), fc.boolean(), (c, asObservation) => {
        const r: Resource = asObservation
          ? observation(sct('364221009'), { valueCodeableConcept: { coding: [sct(c)] } })
          : condition(sct(c), { clinicalStatus: clinical('resolved') });
        expect(run(amnioticFluidRule, pregnant([r])).status).toBe('fired');
      }),
      { numRuns: 10 },
    );
  });
});
