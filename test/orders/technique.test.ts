import { describe, expect, it } from 'vitest';
import { SYSTEMS } from '../../src/clinical/codes.js';
import { DEFAULT_POLICY, parsePolicy } from '../../src/clinical/policy.js';
import { orderTechniques } from '../../src/orders/technique.js';
import { order } from './support/fixtures.js';

const tech = (system: string, code: string) => orderTechniques(order('sr', system, code, code), DEFAULT_POLICY);

describe('orderTechniques (docs/rules.md#technique)', () => {
  it.each([
    [SYSTEMS.prenatalOrder, 'amniocentesis', [['prenatal-diagnosis']]],
    [SYSTEMS.snomed, '34536000', [['prenatal-diagnosis']]],
    [SYSTEMS.prenatalOrder, 'cvs', [['prenatal-diagnosis']]],
    [SYSTEMS.prenatalOrder, 'cordocentesis', [['prenatal-diagnosis']]],
    [SYSTEMS.prenatalOrder, 'karyotype', [['prenatal-diagnosis']]],
    [SYSTEMS.prenatalOrder, 'chromosomal-microarray', [['prenatal-diagnosis']]],
    [SYSTEMS.prenatalOrder, 'nipt', [['prenatal-screening', 'prenatal-diagnosis']]],
    [SYSTEMS.prenatalOrder, 'serum-screening', [['prenatal-screening']]],
    [SYSTEMS.prenatalOrder, 'fetal-sex-determination', [['prenatal-diagnosis']]],
    [SYSTEMS.mchTechnique, 'ligation', [['ligation']]],
  ])('%s|%s', (system, code, expected) => {
    expect(tech(system, code)?.requirements.map((r) => r.acceptable)).toEqual(expected);
  });

  it('flags the Art.31 guard only for fetal sex determination', () => {
    expect(tech(SYSTEMS.prenatalOrder, 'fetal-sex-determination')?.sexDetermination).toBe(true);
    expect(tech(SYSTEMS.prenatalOrder, 'amniocentesis')?.sexDetermination).toBe(false);
  });

  it.each([
    [SYSTEMS.loinc, '58410-2'],
    [SYSTEMS.prenatalOrder, 'prenatal-diagnosis-referral'],
    [SYSTEMS.prenatalOrder, 'nipt-counselling-consent'],
    [SYSTEMS.snomed, '271442007'],
    ['http://other.example/cs', 'amniocentesis'],
    [SYSTEMS.mchTechnique, 'not-a-technique'],
  ])('not a special technique: %s|%s', (system, code) => {
    expect(tech(system, code)).toBeUndefined();
  });

  it('an order without code or category is silent', () => {
    expect(
      orderTechniques(
        { resourceType: 'ServiceRequest', status: 'draft', intent: 'order', subject: { reference: 'Patient/p' } },
        DEFAULT_POLICY,
      ),
    ).toBeUndefined();
  });

  it('a category in mch-technique names the technique; a stricter requirement absorbs NIPT "either"', () => {
    const o = {
      ...order('sr', SYSTEMS.prenatalOrder, 'nipt', 'NIPT'),
      category: [{ coding: [{ system: SYSTEMS.mchTechnique, code: 'prenatal-diagnosis' }] }],
    };
    expect(orderTechniques(o, DEFAULT_POLICY)?.requirements.map((r) => r.acceptable)).toEqual([['prenatal-diagnosis']]);
  });

  it('two different techniques on one order give two requirements', () => {
    const o = {
      ...order('sr', SYSTEMS.mchTechnique, 'pregnancy-termination', '人工流产'),
      category: [{ coding: [{ system: SYSTEMS.mchTechnique, code: 'ligation' }] }],
    };
    expect(orderTechniques(o, DEFAULT_POLICY)?.requirements.map((r) => r.acceptable)).toEqual([['ligation'], ['pregnancy-termination']]);
  });

  it('hospital codes map through policy.localCodes["mch-technique-orders:<technique>"]', () => {
    const policy = parsePolicy({
      localCodes: {
        'mch-technique-orders:prenatal-diagnosis': [{ system: 'http://hospital.example.cn/orders', code: 'YSC-001' }],
        'mch-technique-orders:nipt': [{ system: 'http://hospital.example.cn/orders', code: 'NIPT-PLUS' }],
        'mch-technique-orders:fetal-sex-determination': [{ system: 'http://hospital.example.cn/orders', code: 'XB-01' }],
        'mch-technique-orders:bogus': [{ system: 'http://hospital.example.cn/orders', code: 'X' }],
      },
    });
    const local = (code: string) => orderTechniques(order('sr', 'http://hospital.example.cn/orders', code, code), policy);
    expect(local('YSC-001')?.requirements.map((r) => r.acceptable)).toEqual([['prenatal-diagnosis']]);
    expect(local('NIPT-PLUS')?.requirements.map((r) => r.acceptable)).toEqual([['prenatal-screening', 'prenatal-diagnosis']]);
    expect(local('XB-01')?.sexDetermination).toBe(true);
    expect(local('X')).toBeUndefined();
  });
});
