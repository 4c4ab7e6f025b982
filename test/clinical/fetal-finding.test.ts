import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { readContext } from '../../src/clinical/data-elements/context.js';
import { fetalBasis, fetalFindings, focusIsFetus, ownFindings } from '../../src/clinical/data-elements/fetal-finding.js';
import { EXTENSIONS, SYSTEMS } from '../../src/clinical/codes.js';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { cc, code, condition, icd, local, LMP, nowOn, observation, pregnant, report, sct } from './fixtures.js';

/** docs/rules.md#fetal-finding: a code is about the fetus only when the record says so. */
const ctxOf = (resources: readonly Resource[]) => {
  const snapshot = pregnant(resources);
  return { snapshot, ctx: readContext(snapshot, DEFAULT_POLICY, nowOn(), LMP) };
};
const marker = (value: boolean) => [{ url: EXTENSIONS.fetalFinding, valueBoolean: value }];
const finding = code('urn:oid:1.2.156.hosp.obs', 'US-FINDING');
const cleftLip = { valueCodeableConcept: cc(sct('80281008')) };

describe('fetal finding (data element)', () => {
  it.each<[string, Resource, string | undefined]>([
    ['her own cleft lip (Condition, no marker)', condition(sct('80281008')), undefined],
    ['O35.0 on her Condition (maternal care for a fetal CNS malformation)', condition(icd('O35.0')), 'fetal-code'],
    ['O36.500x001 (icd-10-cn) on her Condition', condition(code(SYSTEMS.icd10cn, 'O36.500x001')), 'fetal-code'],
    ['a Condition with the fetal-finding marker', condition(sct('80281008'), { extension: marker(true) }), 'marker'],
    ['a Condition with the marker set to false', condition(sct('80281008'), { extension: marker(false) }), undefined],
    [
      'an Observation in an OB ultrasound category',
      observation(finding, cleftLip, { category: [cc(local('obstetric-ultrasound'))] }),
      'prenatal-examination',
    ],
    [
      'an Observation coded as a prenatal-diagnosis procedure',
      observation(code(SYSTEMS.prenatalOrder, 'cvs'), cleftLip),
      'prenatal-examination',
    ],
    [
      'an Observation focused on another Patient',
      observation(finding, cleftLip, { focus: [{ reference: 'Patient/fetus-1' }] }),
      'fetus-focus',
    ],
    ['an Observation focused on 胎2', observation(finding, cleftLip, { focus: [{ display: '胎2' }] }), 'fetus-focus'],
    ['an Observation of the placenta (胎盘)', observation(finding, cleftLip, { focus: [{ display: '胎盘' }] }), undefined],
    ['an Observation with no fetal context', observation(finding, cleftLip), undefined],
    ['a DiagnosticReport US for pregnancy (LOINC 11525-3)', report(sct('80281008')), 'prenatal-examination'],
    ['a DiagnosticReport concluding O35.0', report(icd('O35.0'), { code: cc(finding) }), 'fetal-code'],
    ['a DiagnosticReport of another kind', report(sct('80281008'), { code: cc(finding) }), undefined],
  ])('%s → %s', (_n, resource, basis) => {
    const { ctx, snapshot } = ctxOf([resource]);
    const frozen = snapshot.ofType(resource.resourceType as 'Condition').find((r) => r.id === resource.id)!;
    expect(fetalBasis(ctx, frozen)).toBe(basis);
  });

  it('an Observation a prenatal-examination report lists as a result is a fetal finding', () => {
    const o = observation(finding, cleftLip);
    const dr = report(sct('282332003'), { result: [{ reference: `Observation/${o.id}` }] });
    const { ctx } = ctxOf([o, dr]);
    expect(fetalFindings(ctx, 'fetal-anomaly').hits.map((h) => h.reference)).toEqual([`Observation/${o.id}`]);
    expect(ownFindings(ctx, 'fetal-anomaly', true).hits).toEqual([]);
  });

  it('fetal and own findings split the evidence; only evidence kept can be unusable', () => {
    const hers = condition(sct('80281008'), { recordedDate: undefined });
    const fetal = condition(sct('80281008'), { extension: marker(true), recordedDate: undefined });
    const { ctx } = ctxOf([hers, fetal]);
    expect(fetalFindings(ctx, 'fetal-anomaly').unusable).toEqual([{ reference: `Condition/${fetal.id}`, reason: 'undated' }]);
    expect(ownFindings(ctx, 'fetal-anomaly', true).unusable).toEqual([{ reference: `Condition/${hers.id}`, reason: 'undated' }]);
  });

  it('focus: malformed entries are skipped, never thrown on', () => {
    const o = observation(finding, cleftLip, { focus: [null, 'x', { display: 42 }, { reference: 'Patient/p1' }] as never });
    expect(focusIsFetus(o, 'p1')).toBe(false);
    expect(focusIsFetus(observation(finding, cleftLip, { focus: [{ display: 'Ｆｅｔｕｓ Ａ' }] }), 'p1')).toBe(true);
  });
});
