import type { Consent, Resource, ServiceRequest } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { PROFILES, SYSTEMS } from '../../src/clinical/codes.js';
import { createNiptService } from '../../src/nipt/service.js';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { validationErrors } from '../support/fhir-validate.js';
import { familyHistory, icd, condition, patient, sct, SUBJECT } from '../clinical/fixtures.js';
import {
  cardFindings,
  cbcOrder,
  cooperation,
  eddForGa,
  niptOrder,
  NOW,
  request,
  roleAt,
  runService,
  scenario,
  screeningOrg,
} from './support.js';

const consent = (dateTime: string, status: Consent['status'] = 'active'): Consent => ({
  resourceType: 'Consent',
  id: `consent-${dateTime}`,
  status,
  patient: SUBJECT,
  dateTime,
  scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'treatment' }] },
  category: [{ coding: [{ system: SYSTEMS.prenatalOrder, code: 'nipt-counselling-consent' }] }],
  policyRule: { text: 'ZJ-2023 Art.22' },
});

describe('nipt-order-check (order-select)', () => {
  it('one info card for a suitable selected NIPT order, saying NIPT is screening, not diagnosis', async () => {
    const { cards, result } = await runService();
    expect(cards).toHaveLength(1);
    const c = cards[0]!;
    expect(c.indicator).toBe('info');
    expect(c.summary).toBe('孕妇外周血胎儿游离DNA产前筛查：NIPT适用');
    expect(c.detail).toContain('NIPT是产前筛查，不是产前诊断');
    expect(c.detail).toContain('介入性产前诊断');
    expect(c.suggestions).toBeUndefined();
    expect(cardFindings(c).map((f) => f.rule)).toEqual(['nipt-suitable']);
    expect(result.cards.flatMap((r) => r.findings).map((f) => [f.rule, f.ruleVersion])).toEqual([['nipt-suitable', '1.0.0']]);
    expect(result).toMatchObject({ practitionerId: 'prac-wang', institution: { id: 'org-hz-mch', via: 'practitioner-role' } });
  });

  it('uses the selections only: an unselected NIPT draft is silent', async () => {
    const { cards } = await runService({ orders: [niptOrder('sr-a'), niptOrder('sr-b')], selections: ['ServiceRequest/sr-b'] });
    expect(cards.map((c) => cardFindings(c)[0]!.params['order'])).toEqual(['ServiceRequest/sr-b']);
  });

  it('non-NIPT orders are silent; no NIPT order ⇒ no cards', async () => {
    expect((await runService({ orders: [cbcOrder()] })).cards).toEqual([]);
    expect((await runService({ orders: [cbcOrder(), niptOrder()], selections: ['ServiceRequest/sr-cbc'] })).cards).toEqual([]);
  });

  it('a hospital NIPT code mapped in policy is an NIPT order', async () => {
    const local = niptOrder('sr-local', {
      code: { coding: [{ system: 'http://hospital.example/orders', code: 'LAB-NIPT' }], text: 'NIPT' },
    });
    const policy = { localCodes: { 'nipt-order': [{ system: 'http://hospital.example/orders', code: 'LAB-NIPT' }] } };
    expect((await runService({ orders: [local] }, { policy })).cards).toHaveLength(1);
  });

  it('not applicable for prenatal diagnosis: critical, override reasons with display, replace-by-referral suggestion', async () => {
    const { cards, ids } = await runService({ resources: [familyHistory('HUSB', sct('409709004'))] });
    const c = cards[0]!;
    expect(c.indicator).toBe('critical');
    expect(c.summary).toBe('孕妇外周血胎儿游离DNA产前筛查：NIPT不适用（夫妇一方染色体异常）');
    expect(c.overrideReasons?.map((o) => o.code)).toEqual(['declined-after-counselling', 'data-incorrect']);
    for (const o of c.overrideReasons ?? [])
      expect(o).toMatchObject({ system: 'http://prenatal-cds.org/fhir/CodeSystem/override-reason', display: expect.any(String) });
    expect(c.selectionBehavior).toBe('at-most-one');
    const [s] = c.suggestions!;
    expect(s!.actions!.map((a) => a.type)).toEqual(['delete', 'create']);
    expect(s!.actions![0]!.resourceId).toEqual(['ServiceRequest/sr-nipt-1']);
    const referral = s!.actions![1]!.resource as unknown as ServiceRequest;
    expect(referral.code?.coding?.[0]).toEqual({ system: SYSTEMS.prenatalOrder, code: 'prenatal-diagnosis-referral' });
    expect(validationErrors(referral as Resource, PROFILES.referralServiceRequest)).toEqual([]);
    // every uuid (card, suggestion, resource identifiers) comes from newId, none repeats
    const uuids = [c.uuid, s!.uuid, referral.identifier?.[0]?.value?.replace('urn:uuid:', '')];
    expect(new Set(uuids).size).toBe(3);
    for (const u of uuids) expect(ids).toContain(u);
  });

  it('names the Art.24 indications and points to prenatal diagnosis', async () => {
    const { cards } = await runService({
      patient: patient({ birthDate: '1985-03-03' }),
      resources: [familyHistory('MTH', sct('41040004'))],
    });
    const c = cards[0]!;
    expect(c.indicator).toBe('warning');
    expect(c.detail).toMatch(/该孕妇存在产前诊断指征：.*高龄/);
    expect(c.detail).toContain('第二十四条');
    expect(cardFindings(c)[0]!.params['art24']).toEqual(['ama', 'genetic-family-history']);
  });

  it('several NIPT orders ⇒ one card each, in order', async () => {
    const { cards } = await runService({ orders: [niptOrder('sr-a'), cbcOrder(), niptOrder('sr-b')] });
    expect(cards.map((c) => cardFindings(c)[0]!.params['order'])).toEqual(['ServiceRequest/sr-a', 'ServiceRequest/sr-b']);
    expect(new Set(cards.map((c) => c.uuid)).size).toBe(2);
  });

  it('an institution without authorisation makes the card critical with institution override reasons', async () => {
    const { cards } = await runService({
      institution: [screeningOrg('org-xihu', [cooperation('org-zju', '2022-01-01', '2024-12-31')]), roleAt('org-xihu')],
    });
    const c = cards[0]!;
    expect(c.indicator).toBe('critical');
    expect(cardFindings(c).map((f) => f.rule)).toEqual(['nipt-suitable', 'nipt-institution-not-authorized']);
    expect(c.overrideReasons?.map((o) => o.code)).toEqual(['data-incorrect', 'certificate-data-outdated', 'registry-not-updated']);
    expect(c.detail).toContain('NIPT合作协议已过期');
  });

  it('English wording; summaries < 140 characters in both locales even for long order names', async () => {
    const long = niptOrder('sr-long', {
      code: {
        coding: [{ system: SYSTEMS.prenatalOrder, code: 'nipt' }],
        text: '孕妇外周血胎儿游离DNA产前筛查（扩展版，含性染色体非整倍体及拷贝数变异检测）'.repeat(3),
      },
    });
    const s = { orders: [long], edd: eddForGa(23, 1), resources: [condition(icd('C50.9'))] };
    for (const locale of ['zh-CN', 'en'] as const) {
      const { cards } = await runService(s, { locale });
      expect(cards[0]!.summary.length).toBeLessThan(140);
    }
    const en = (await runService({ edd: eddForGa(11, 3) }, { locale: 'en' })).cards[0]!;
    expect(en.summary).toBe('孕妇外周血胎儿游离DNA产前筛查: NIPT not applicable (before 12+0 weeks); possible from 2025-06-05');
    expect(en.detail).toContain('NIPT is a screening test, not a diagnosis');
  });

  it('record-derived text is escaped in the markdown detail', async () => {
    const o = niptOrder('sr-x', { code: { coding: [{ system: SYSTEMS.prenatalOrder, code: 'nipt' }], text: 'NIPT <b>*urgent*</b>' } });
    const c = (await runService({ orders: [o] })).cards[0]!;
    expect(c.detail).toContain('NIPT \\<b\\>\\*urgent\\*\\</b\\>');
  });
});

describe('NIPT re-check at order-sign', () => {
  it('every draft NIPT order, selections ignored; consent missing ⇒ warning + create-Consent suggestion', async () => {
    const { cards, ids } = await runService({ orders: [niptOrder()], selections: [] }, { hook: 'order-sign' });
    const c = cards[0]!;
    expect(c.indicator).toBe('warning');
    expect(cardFindings(c).map((f) => f.rule)).toEqual(['nipt-suitable', 'nipt-consent-missing']);
    expect(cardFindings(c)[1]!.citation).toBe('ZJ-2023 Art.22; NIPT-2016');
    const action = c.suggestions?.[0]?.actions?.[0];
    expect(action?.type).toBe('create');
    const created = action!.resource as unknown as Consent;
    expect(created).toMatchObject({ resourceType: 'Consent', status: 'proposed', patient: { reference: 'Patient/p1' } });
    expect(created.category?.[0]?.coding?.[0]).toEqual({ system: SYSTEMS.prenatalOrder, code: 'nipt-counselling-consent' });
    expect(validationErrors(created)).toEqual([]);
    expect(ids).toContain(c.suggestions![0]!.uuid);
    expect(c.selectionBehavior).toBe('at-most-one');
  });

  it('an active consent of this pregnancy satisfies it', async () => {
    const { cards } = await runService({ resources: [consent('2025-05-20T09:00:00+08:00')] }, { hook: 'order-sign' });
    expect(cardFindings(cards[0]!).map((f) => f.rule)).toEqual(['nipt-suitable']);
    expect(cards[0]!.indicator).toBe('info');
  });

  it('a consent of a previous pregnancy, or only proposed, does not', async () => {
    for (const c of [consent('2024-03-01'), consent('2025-05-20', 'proposed')]) {
      const { cards } = await runService({ resources: [c] }, { hook: 'order-sign' });
      expect(cardFindings(cards[0]!).map((f) => f.rule)).toContain('nipt-consent-missing');
    }
  });

  it('consent is not checked at order-select', async () => {
    const { cards } = await runService({});
    expect(cardFindings(cards[0]!).map((f) => f.rule)).not.toContain('nipt-consent-missing');
  });

  it('the order-sign NIPT re-check gives the order-sign service its cards to merge, consent checked', async () => {
    let n = 0;
    const service = createNiptService({
      registry: new MemoryRegistryStore(),
      policy: DEFAULT_POLICY,
      locale: 'zh-CN',
      newId: () => `id-${++n}`,
      hook: 'order-sign',
    });
    const out = await service({ snapshot: scenario({ selections: [] }), request: request('order-sign'), now: NOW });
    expect(out.cards).toHaveLength(1);
    expect(out.cards.flatMap((c) => c.findings).map((f) => f.rule)).toEqual(['nipt-suitable', 'nipt-consent-missing']);
    expect(out.ruleErrors).toEqual([]);
  });
});
