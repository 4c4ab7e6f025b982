import { describe, expect, it } from 'vitest';
import type { NiptRule } from '../../src/nipt/rules/index.js';
import { NIPT_RULES } from '../../src/nipt/rules/index.js';
import { evaluateNiptOrder } from '../../src/nipt/evaluate.js';
import { evaluateReferral } from '../../src/referral/evaluate.js';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { loadInstitutionFacts } from '../../src/nipt/institution.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import type { ServiceRequest } from '@medplum/fhirtypes';
import { condition, familyHistory, icd, loinc, observation, patient, risk, sct, ucum } from '../clinical/fixtures.js';
import { eddForGa, evaluate, NOW, scenario } from './support.js';

const bmi = (value: number) => observation(loinc('39156-5'), { valueQuantity: ucum(value, 'kg/m2') });
const t21 = (valueString: string) => risk('t21-risk', { valueString });

describe('evaluateNiptOrder: category and precedence (docs/rules.md#nipt)', () => {
  it('no reason, window met ⇒ nipt-suitable (info), exactly one category finding', async () => {
    const ev = await evaluate();
    expect(ev.category).toBe('nipt-suitable');
    expect(ev.indicator).toBe('info');
    expect(ev.findings.map((f) => f.rule)).toEqual(['nipt-suitable']);
    expect(ev.findings[0]!.params).toMatchObject({ reasons: [], windowMet: true, ga: '18+0', window: { min: '12+0', max: '22+6' } });
  });

  it('a suitable reason keeps the order suitable and is listed', async () => {
    const ev = await evaluate({ resources: [t21('1/500')] });
    expect(ev.category).toBe('nipt-suitable');
    expect(ev.findings.map((f) => f.rule)).toEqual(['nipt-suitable', 'nipt-intermediate-risk']);
  });

  it('caution beats suitable; every reason is still listed', async () => {
    const ev = await evaluate({ resources: [t21('1/500'), bmi(42)] });
    expect(ev.category).toBe('nipt-caution');
    expect(ev.indicator).toBe('warning');
    expect(ev.reasons).toEqual(['nipt-severe-obesity', 'nipt-intermediate-risk']);
    expect(ev.findings[0]!.params['byCategory']).toEqual({
      'nipt-not-applicable': [],
      'nipt-caution': ['nipt-severe-obesity'],
      'nipt-suitable': ['nipt-intermediate-risk'],
    });
  });

  it('not-applicable beats caution beats suitable; all reasons listed', async () => {
    const ev = await evaluate({
      resources: [t21('1/500'), bmi(42), familyHistory('HUSB', sct('409709004'))],
      patient: patient({ birthDate: '1985-03-03' }),
    });
    expect(ev.category).toBe('nipt-not-applicable');
    expect(ev.indicator).toBe('critical');
    expect(ev.findings[0]!.rule).toBe('nipt-not-applicable');
    expect(ev.reasons).toEqual(['nipt-parental-chromosomal-abnormality', 'nipt-ama', 'nipt-severe-obesity', 'nipt-intermediate-risk']);
    expect(ev.findings[0]!.params['reasons']).toEqual(ev.reasons);
    expect(
      ev.findings.filter((f) => f.rule.startsWith('nipt-') && ['nipt-not-applicable', 'nipt-caution', 'nipt-suitable'].includes(f.rule)),
    ).toHaveLength(1);
  });

  it('outside the window ⇒ not applicable even with a suitable reason', async () => {
    const ev = await evaluate({ edd: eddForGa(23, 2), resources: [t21('1/500')] });
    expect(ev.category).toBe('nipt-not-applicable');
    expect(ev.reasons).toEqual(['nipt-ga-too-late', 'nipt-intermediate-risk']);
    expect(ev.findings[0]!.params['windowMet']).toBe(false);
  });

  it('GA unknown (pregnant, undated) ⇒ nipt-ga-unknown warning, category caution, window unknown', async () => {
    const ev = await evaluate({ edd: null, resources: [condition(sct('77386006'), { recordedDate: '2025-04-01' })] });
    expect(ev.reasons).toEqual(['nipt-ga-unknown']);
    expect(ev.category).toBe('nipt-caution');
    expect(ev.indicator).toBe('warning');
    expect(ev.findings[1]!.params).toMatchObject({ reason: 'no-dating' });
    expect(ev.findings[0]!.params['windowMet']).toBe('unknown');
    // The window rules leave it to nipt-ga-unknown: no second "could not decide" for the same missing GA.
    expect(ev.outcomes['nipt-ga-too-early']).toMatchObject({ status: 'not-applicable' });
    expect(ev.undecided).toEqual([]);
  });

  it('no pregnancy evidence at all ⇒ GA unknown (not currently pregnant), no crash', async () => {
    const ev = await evaluate({ edd: null });
    expect(ev.reasons).toEqual(['nipt-ga-unknown']);
    expect(ev.findings[1]!.params['reason']).toBe('not-currently-pregnant');
  });

  it('a non-applicable reason with unknown GA is still not applicable', async () => {
    const ev = await evaluate({ edd: null, resources: [condition(icd('C50.9'))] });
    expect(ev.category).toBe('nipt-not-applicable');
    expect(ev.reasons).toEqual(['nipt-maternal-malignancy', 'nipt-ga-unknown']);
  });

  it('the category finding names the Art.24 referral findings and the institution status', async () => {
    const ev = await evaluate({ patient: patient({ birthDate: '1985-03-03' }) });
    expect(ev.findings[0]!.params).toMatchObject({ art24: ['ama'], institution: { authorized: true, via: 'role' } });
    expect(ev.findings[0]!.evidence[0]).toBe('ServiceRequest/sr-nipt-1');
  });

  it('missing data everywhere is not a crash (no patient, no user, no dating)', async () => {
    const ev = await evaluate({ patient: null, edd: null, userId: null, institution: [] });
    expect(ev.errors).toEqual([]);
    expect(ev.reasons).toEqual(['nipt-ga-unknown']);
    expect(ev.undecided.map((u) => u.rule)).toEqual(['nipt-institution-not-authorized']);
  });

  it('a rule that throws becomes a rule error; the others still run', async () => {
    const snapshot = scenario({ resources: [bmi(42)] });
    const referral = evaluateReferral(snapshot, DEFAULT_POLICY, NOW);
    const institution = await loadInstitutionFacts(snapshot, new MemoryRegistryStore(), DEFAULT_POLICY);
    const broken: NiptRule = {
      ...NIPT_RULES[0]!,
      evaluate: () => {
        throw new Error('boom');
      },
    };
    const ev = evaluateNiptOrder(
      snapshot.draftOrders[0] as ServiceRequest,
      {
        snapshot,
        policy: DEFAULT_POLICY,
        now: NOW,
        facts: { hook: 'order-select', pregnancy: referral.facts, referral, institution },
      },
      [broken, ...NIPT_RULES.slice(1)],
    );
    expect(ev.errors).toEqual([
      { rule: 'nipt-ga-too-early', version: '1.0.0', citation: 'ZJ-2023 Art.28; NIPT-2016', cause: 'boom', errorClass: 'Error' },
    ]);
    expect(ev.findings.map((f) => f.rule)).toEqual(['nipt-caution', 'nipt-severe-obesity']);
  });
});
