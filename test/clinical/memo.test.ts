import type { Condition, Observation, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { evaluateReferral } from '../../src/referral/evaluate.js';
import { codes, conclusionCodes, valueConcepts, type Concepts } from '../../src/clinical/data-elements/concepts.js';
import { codedIn, codingAt } from '../../src/clinical/data-elements/memo.js';
import { observationDate } from '../../src/clinical/data-elements/resource-dates.js';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { compileMatcher, matcherFor } from '../../src/clinical/value-sets/matcher.js';
import { VALUE_SETS } from '../../src/clinical/value-sets/catalogue.js';
import { createSnapshot } from '../../src/fhir/snapshot.js';
import { exampleRequest } from '../fuzz/support/real-app.js';
import { afi, cc, eddObs, icd, loinc, nowOn, observation, patient, PID, sct, SUBJECT, TZ } from './fixtures.js';

function resources(): Resource[] {
  const cond = (id: string, ...coding: ReturnType<typeof icd>[]): Condition => ({
    resourceType: 'Condition',
    id,
    subject: SUBJECT,
    code: cc(...coding),
    recordedDate: '2025-03-01',
  });
  return [
    patient({ birthDate: '1985-01-01' }),
    eddObs('2025-10-01'),
    afi(1.5),
    observation(loinc('8480-6'), { valueQuantity: { value: 110, unit: 'mm[Hg]' } }),
    observation(loinc('11627-7'), { valueCodeableConcept: cc(sct('59566000')) }),
    cond('c1', icd('O35.1')),
    cond('c2', sct('54150009')),
    cond('c3', icd('O41.0'), sct('59566000')),
  ];
}

describe('memoised value-set candidates (data-elements/memo.ts)', () => {
  const matcher = matcherFor(DEFAULT_POLICY);
  const snapshot = createSnapshot({ patientId: PID, resources: resources() });

  it('codedIn returns exactly the resources a full scan finds, in snapshot order, for every value set', () => {
    for (const vs of Object.keys(VALUE_SETS)) {
      for (const [type, paths] of [
        ['Observation', [codes]],
        ['Observation', [valueConcepts, codes]],
        ['Condition', [codes]],
      ] as const) {
        const list = snapshot.ofType(type) as readonly Observation[];
        const scan = list.filter((r) => paths.some((p) => p(r).some((c) => matcher.inValueSet(vs, c))));
        expect(codedIn(matcher, vs, paths, list)).toEqual(scan);
        expect(codedIn(matcher, vs, paths, list)).toBe(codedIn(matcher, vs, paths, list));
        for (const r of list)
          for (const p of paths) {
            const first = p(r)
              .map((c) => matcher.matchingCoding(vs, c))
              .find((c) => c !== undefined);
            expect(codingAt(matcher, vs, p, r)).toBe(first);
          }
      }
    }
  });

  it('codedIn ≡ a full scan on every shipped example request (all value sets, every type and path set the readers use)', () => {
    for (const id of [
      'prenatal-diagnosis-referral',
      'prenatal-diagnosis-referral-encounter',
      'nipt-order-check',
      'special-technique-order-sign',
    ] as const) {
      const body = exampleRequest(id);
      const all: Resource[] = [];
      for (const v of Object.values(body.prefetch)) {
        const b = v as { resourceType?: string; entry?: { resource: Resource }[] } | null;
        if (b?.resourceType === 'Bundle') all.push(...(b.entry ?? []).map((e) => e.resource));
        else if (b) all.push(b as Resource);
      }
      const snap = createSnapshot({ patientId: String(body.context['patientId']), resources: all });
      let hits = 0;
      for (const vs of Object.keys(VALUE_SETS)) {
        for (const [type, paths] of [
          ['Observation', [valueConcepts, codes]],
          ['Condition', [codes]],
          ['DiagnosticReport', [conclusionCodes]],
        ] as const) {
          const list = snap.ofType(type) as readonly Resource[];
          const at = paths as readonly Concepts<Resource>[];
          const scan = list.filter((r) => at.some((p) => p(r).some((c) => matcher.inValueSet(vs, c))));
          expect(codedIn(matcher, vs, at, list), `${id} ${vs} ${type}`).toEqual(scan);
          hits += scan.length;
        }
      }
      expect(hits, id).toBeGreaterThan(0);
    }
  });

  it('an unknown value set id throws, frozen list or not', () => {
    expect(() => codedIn(matcher, 'no-such-set', [codes], snapshot.ofType('Observation'))).toThrow(/unknown value set/);
    expect(() => codedIn(matcher, 'no-such-set', [codes], [afi(1)])).toThrow(/unknown value set/);
  });

  it('answers per matcher: local codes of another policy are not served from this one', () => {
    const obs = snapshot.ofType('Observation');
    const local = compileMatcher({ localCodes: { afi: [{ system: 'http://loinc.org', code: '8480-6' }] } });
    expect(codedIn(matcher, 'afi', [codes], obs).length + 1).toBe(codedIn(local, 'afi', [codes], obs).length);
  });

  it('never memoises unfrozen data (it could change between two calls)', () => {
    const o = afi(1.5);
    expect(observationDate(o, TZ)).not.toBe(observationDate(o, TZ));
    const list: Observation[] = [o];
    expect(codedIn(matcher, 'afi', [codes], list)).toEqual([o]);
    list.push(afi(2));
    expect(codedIn(matcher, 'afi', [codes], list)).toHaveLength(2);
  });

  it('leaves the frozen snapshot untouched and gives the same evaluation on repeated (memoised) runs', () => {
    const input = resources();
    const copy = structuredClone(input);
    const before = JSON.stringify(input);
    const snap = createSnapshot({ patientId: PID, resources: input });
    const first = evaluateReferral(snap, DEFAULT_POLICY, nowOn());
    const again = evaluateReferral(snap, DEFAULT_POLICY, nowOn());
    const fresh = evaluateReferral(createSnapshot({ patientId: PID, resources: copy }), DEFAULT_POLICY, nowOn());
    expect(again).toEqual(first);
    expect(fresh).toEqual(first);
    expect(first.findings.map((f) => f.rule)).toContain('ama');
    expect(JSON.stringify(input)).toBe(before);
    for (const r of input) expect(Object.isFrozen(r)).toBe(true);
    expect(Object.isFrozen(observationDate(snap.ofType('Observation')[0]!, TZ))).toBe(true);
  });
});
