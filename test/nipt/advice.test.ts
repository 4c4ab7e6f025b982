import type { Procedure, ServiceRequest } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/calendar/index.js';
import type { NiptAdvice } from '../../src/nipt/advice.js';
import { condition, familyHistory, icd, loinc, nt, observation, patient, risk, sct, SUBJECT } from '../clinical/fixtures.js';
import { cardFindings, cooperation, daysAgo, eddForGa, roleAt, runService, screeningOrg, TODAY, type Scenario } from './support.js';

/**
 * The advice of a not-applicable NIPT card follows its reason (docs/rules.md#nipt-advice), and a
 * reason of a lower category is not listed under a higher one. The clinic day is 2025-06-01.
 */
let seq = 0;
const transfusion = (performed: string): Procedure => ({
  resourceType: 'Procedure',
  id: `proc-transfusion-${++seq}`,
  status: 'completed',
  subject: SUBJECT,
  code: { coding: [sct('116859006')], text: '输注悬浮红细胞 2U' },
  performedDateTime: performed,
});
const twins = () => condition(icd('O30.000'), { recordedDate: '2025-05-20' });
const rhNegative = () => observation(loinc('10331-7'), { valueCodeableConcept: { coding: [sct('260385009')], text: 'Rh(D) 阴性' } });
const t21 = (valueString: string) => risk('t21-risk', { valueString });
const AMA = patient({ birthDate: '1988-02-02' });

async function card(s: Scenario, locale: 'zh-CN' | 'en' = 'zh-CN') {
  const { cards } = await runService(s, { locale });
  expect(cards).toHaveLength(1);
  const c = cards[0]!;
  return { c, advice: cardFindings(c)[0]!.params['advice'] as NiptAdvice | undefined, detail: c.detail ?? '' };
}
const actionsOf = (c: Awaited<ReturnType<typeof card>>['c']) => (c.suggestions ?? []).map((s) => s.actions!.map((a) => a.type));
const referralOf = (c: Awaited<ReturnType<typeof card>>['c']) =>
  c.suggestions?.[0]?.actions?.find((a) => a.type === 'create')?.resource as unknown as ServiceRequest | undefined;

describe('too early: NIPT from 12+0, no referral', () => {
  it('a 23-year-old at 11+3 with nothing else: the date, a withdraw suggestion, never "prenatal diagnosis"', async () => {
    const { c, advice, detail } = await card({ edd: eddForGa(11, 3), patient: patient({ birthDate: '2002-01-20' }) });
    expect(c.indicator).toBe('critical');
    expect(advice).toEqual({
      kind: 'reorder',
      basis: ['nipt-ga-too-early'],
      from: addDays(TODAY, 4),
      fromGa: '12+0',
      windowEnds: addDays(TODAY, 160 - 80),
      referral: false,
    });
    expect(c.summary).toBe(`孕妇外周血胎儿游离DNA产前筛查：NIPT不适用（孕周不足12周），${addDays(TODAY, 4)}起可做`);
    expect(detail).toContain(`自 ${addDays(TODAY, 4)}（孕 12+0）起可以检测`);
    expect(detail).not.toContain('应当进行产前诊断');
    expect(detail).not.toContain('产前诊断指征：');
    expect(actionsOf(c)).toEqual([['delete']]);
    expect(c.suggestions![0]!.label).toBe(`撤销本次NIPT医嘱，${addDays(TODAY, 4)}起重新开具`);
    expect(c.overrideReasons?.map((o) => o.code)).toEqual(['data-incorrect']);
  });

  it('boundary: 11+6 ⇒ from tomorrow; 12+0 ⇒ suitable, no advice', async () => {
    expect((await card({ edd: eddForGa(11, 6) })).advice).toMatchObject({ kind: 'reorder', from: addDays(TODAY, 1), fromGa: '12+0' });
    const at12 = await card({ edd: eddForGa(12, 0) });
    expect(at12.c.indicator).toBe('info');
    expect(at12.advice).toBeUndefined();
  });

  it('caution reasons are listed for the re-order (twins); the Art.24 line stays (AMA) but no referral is suggested', async () => {
    const { c, advice, detail } = await card({ edd: eddForGa(11, 3), patient: AMA, resources: [twins()] });
    expect(advice).toMatchObject({ kind: 'reorder', referral: false });
    expect(detail).toContain('重新开具NIPT时须注意（慎用情形）：');
    expect(detail.split('重新开具NIPT时须注意')[1]).toMatch(/双胎及多胎妊娠[\s\S]*高龄孕妇|高龄孕妇[\s\S]*双胎及多胎妊娠/);
    expect(detail).toMatch(/该孕妇存在产前诊断指征：高龄/);
    expect(actionsOf(c)).toEqual([['delete']]);
    // the summary names the not-applicable reason only
    expect(c.summary).toContain('（孕周不足12周）');
  });

  it('too early with a thickened NT: prenatal diagnosis wins (referral), as before', async () => {
    const { c, advice, detail } = await card({ edd: eddForGa(11, 3), resources: [nt(3.5, { date: addDays(TODAY, -1) })] });
    expect(advice).toEqual({ kind: 'prenatal-diagnosis', basis: ['nipt-fetal-structural-anomaly'], referral: true });
    expect(detail).toContain('本例不适用NIPT，应当进行产前诊断');
    expect(actionsOf(c)).toEqual([['delete', 'create']]);
    expect(c.overrideReasons?.map((o) => o.code)).toEqual(['declined-after-counselling', 'data-incorrect']);
  });

  it('English', async () => {
    const { c, detail } = await card({ edd: eddForGa(11, 3) }, 'en');
    expect(c.summary).toBe(`孕妇外周血胎儿游离DNA产前筛查: NIPT not applicable (before 12+0 weeks); possible from ${addDays(TODAY, 4)}`);
    expect(detail).toContain(`it can be done from ${addDays(TODAY, 4)} (12+0)`);
    expect(c.suggestions![0]!.label).toBe(`Withdraw this NIPT order; order it again from ${addDays(TODAY, 4)}`);
  });
});

describe('too late: the window has passed; a referral only with an indication', () => {
  it('no indication: withdraw only; the suitable reason (missed screening) is not on the card text', async () => {
    const { c, advice, detail } = await card({ edd: eddForGa(23, 2) });
    expect(advice).toEqual({ kind: 'window-passed', basis: ['nipt-ga-too-late'], windowEnds: addDays(TODAY, -3), referral: false });
    expect(cardFindings(c)[0]!.params['reasons']).toEqual(['nipt-ga-too-late', 'nipt-late-missed-screening']);
    expect(detail).not.toContain('错过血清学筛查');
    expect(c.summary).not.toContain('错过血清学筛查');
    expect(detail).toContain('本次妊娠不再进行NIPT');
    expect(detail).toContain('记录中未见产前诊断指征');
    expect(actionsOf(c)).toEqual([['delete']]);
    expect(c.suggestions![0]!.label).toBe('撤销NIPT医嘱');
  });

  it('with an Art.24 indication (AMA): withdraw and refer for counselling, the referral carries the indication', async () => {
    const { c, advice, detail } = await card({ edd: eddForGa(23, 2), patient: AMA });
    expect(advice).toMatchObject({ kind: 'window-passed', referral: true });
    expect(detail).toContain('可转诊产前诊断机构进行遗传咨询和产前诊断');
    expect(detail).not.toContain('高龄孕妇：'); // a caution reason is not listed under not applicable
    expect(actionsOf(c)).toEqual([['delete', 'create']]);
    const referral = referralOf(c)!;
    expect(referral.reasonCode?.[0]?.text).toBe('产前诊断指征：高龄孕妇（NIPT不适用：孕周超过22+6周）');
    expect(referral.supportingInfo?.map((r) => r.reference)).toContain('Patient/p1');
  });
});

describe('transfusion / transplant: the date NIPT becomes reliable', () => {
  it('340 days ago at 18+0: re-order from the day after the 365-day window (GA 21+5)', async () => {
    const { c, advice, detail } = await card({ resources: [transfusion(daysAgo(340))] });
    expect(advice).toMatchObject({
      kind: 'reorder',
      basis: ['nipt-recent-transfusion-transplant'],
      from: addDays(TODAY, 26),
      fromGa: '21+5',
    });
    expect(detail).toContain(`自 ${addDays(TODAY, 26)}（孕 21+5）起NIPT结果可靠`);
    expect(actionsOf(c)).toEqual([['delete']]);
  });

  it('boundary: reliable on the window’s last day (332 days ago) ⇒ re-order; one day later (331) ⇒ not in this pregnancy', async () => {
    expect((await card({ resources: [transfusion(daysAgo(332))] })).advice).toMatchObject({ kind: 'reorder', fromGa: '22+6' });
    const late = await card({ resources: [transfusion(daysAgo(331))] });
    expect(late.advice).toMatchObject({ kind: 'not-this-pregnancy', fromGa: '23+0', referral: false });
    expect(late.detail).toContain('本次妊娠不进行NIPT');
    expect(actionsOf(late.c)).toEqual([['delete']]);
  });

  it('too early and a recent transfusion: the later date wins', async () => {
    const edd = eddForGa(11, 3);
    expect((await card({ edd, resources: [transfusion(daysAgo(360))] })).advice).toMatchObject({
      basis: ['nipt-recent-transfusion-transplant'],
      from: addDays(TODAY, 6),
      fromGa: '12+2',
    });
    expect((await card({ edd, resources: [transfusion(daysAgo(365))] })).advice).toMatchObject({
      basis: ['nipt-ga-too-early'],
      from: addDays(TODAY, 4),
    });
  });

  it('a partial date ("2024-07") counts from its last possible day (2024-07-31)', async () => {
    const { advice } = await card({ edd: eddForGa(11, 3), resources: [transfusion('2024-07')] });
    expect(advice).toMatchObject({ kind: 'reorder', basis: ['nipt-recent-transfusion-transplant'], from: '2025-08-01', fromGa: '20+1' });
  });

  it('GA unknown: the date, and a reminder to check the window then', async () => {
    const { advice, detail } = await card({ edd: null, resources: [condition(sct('77386006')), transfusion(daysAgo(300))] });
    expect(advice).toEqual({ kind: 'reorder', basis: ['nipt-recent-transfusion-transplant'], from: addDays(TODAY, 66), referral: false });
    expect(detail).toContain('孕周无法确定');
  });
});

describe('the other not-applicable reasons', () => {
  it('maternal malignancy: NIPT unreliable; no referral without an indication, a referral with one', async () => {
    const alone = await card({ resources: [condition(icd('C50.900'))] });
    expect(alone.advice).toEqual({ kind: 'nipt-unreliable', basis: ['nipt-maternal-malignancy'], referral: false });
    expect(actionsOf(alone.c)).toEqual([['delete']]);
    expect(alone.detail).not.toContain('应当进行产前诊断');
    const ama = await card({ patient: AMA, resources: [condition(icd('C50.900'))] });
    expect(ama.advice).toMatchObject({ kind: 'nipt-unreliable', referral: true });
    expect(actionsOf(ama.c)).toEqual([['delete', 'create']]);
  });

  it('parental chromosomal abnormality or monogenic risk: prenatal diagnosis, replace by referral', async () => {
    for (const fmh of [familyHistory('HUSB', sct('409709004')), familyHistory('BRO', sct('40108008'))]) {
      const { c, advice, detail } = await card({ resources: [fmh] });
      expect(advice).toMatchObject({ kind: 'prenatal-diagnosis', referral: true });
      expect(detail).toContain('应当进行产前诊断');
      expect(c.suggestions![0]!.label).toBe('撤销NIPT医嘱，改为产前诊断转诊');
      expect(referralOf(c)?.reasonCode?.[0]?.text).toMatch(/^NIPT不适用，应当进行产前诊断：/);
    }
  });

  it('a contraindication to invasive diagnosis is named (not listed) where the card points to prenatal diagnosis', async () => {
    const { detail } = await card({ resources: [familyHistory('HUSB', sct('409709004')), rhNegative()] });
    expect(detail).toContain('注意：存在介入性产前诊断禁忌证：Rh阴性血型');
    expect(detail).not.toContain('- 介入性产前诊断禁忌证：');
  });
});

describe('caution and suitable cards', () => {
  it('caution lists caution reasons only; an intermediate risk (suitable) is not listed', async () => {
    const { c, detail } = await card({ patient: AMA, resources: [t21('1/500')] });
    expect(c.indicator).toBe('warning');
    expect(detail).toContain('高龄孕妇：');
    expect(detail).not.toContain('血清学筛查临界风险');
    expect(cardFindings(c).map((f) => f.rule)).toEqual(['nipt-caution', 'nipt-ama', 'nipt-intermediate-risk']);
  });

  it('caution with an Art.24 indication and Rh negative: the contraindication is named', async () => {
    expect((await card({ patient: AMA, resources: [rhNegative()] })).detail).toContain('注意：存在介入性产前诊断禁忌证');
    // without an indication (twins only) it is not
    expect((await card({ resources: [twins(), rhNegative()] })).detail).not.toContain('介入性产前诊断禁忌证');
  });

  it('suitable lists its reasons', async () => {
    const { c, detail } = await card({ resources: [t21('1/500')] });
    expect(c.indicator).toBe('info');
    expect(detail).toContain('血清学筛查临界风险：');
    expect(c.summary).toContain('血清学筛查临界风险');
  });

  it('critical for the institution only: the referral to the prenatal-diagnosis institution, as before', async () => {
    const { c } = await card({
      institution: [screeningOrg('org-xihu', [cooperation('org-zju', '2022-01-01', '2024-12-31')]), roleAt('org-xihu')],
    });
    expect(c.indicator).toBe('critical');
    expect(cardFindings(c)[0]!.params['advice']).toBeUndefined();
    expect(c.suggestions![0]!.label).toBe('撤销NIPT医嘱，改为产前诊断转诊');
  });
});
