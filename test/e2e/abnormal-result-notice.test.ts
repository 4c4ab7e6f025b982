import type { DiagnosticReport, Organization } from '@medplum/fhirtypes';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { UNDECIDED_EXTENSION } from '../../src/cds-hooks/extensions.js';
import { hashNoticeContent } from '../../src/referral/notice/content.js';
import { expectConformant } from '../support/expect-conformant.js';
import { addToBundle, buildE2eApp, example, findingsOf, noticeIdOf, noticePath, type HookBody, type WireCard } from './support/e2e-app.js';
import { unescapeMarkdown } from './support/markdown.js';

/**
 * `abnormal-result-notice` (docs/rules.md#abnormal-result-notice) through the real app, with a
 * realistic Chinese record: the example woman (张丽, final EDD 2027-05-10 ⇒ LMP 2026-08-03; today
 * 2026-11-23, GA 16+0) had chorionic villus sampling (绒毛取样) at 12+3; the karyotype 47,XX,+21
 * (ICD-10 clinical edition Q90.000 21三体综合征) was issued on 2026-11-12 by 浙江大学医学院附属妇产科医院,
 * a prenatal-diagnosis institution. The card carries the Art. 27 notice; stored (template art27),
 * hashed, and printed with both spouses' signature lines and the next-of-kin path.
 */
const SERVICE = 'prenatal-diagnosis-referral';

const ZJU_WH: Organization = {
  resourceType: 'Organization',
  id: 'org-zju-womens',
  name: '浙江大学医学院附属妇产科医院',
  extension: [
    { url: 'http://prenatal-cds.org/fhir/StructureDefinition/mch-institution-role', valueCode: 'prenatal-diagnosis-institution' },
  ],
};

const KARYOTYPE: DiagnosticReport = {
  resourceType: 'DiagnosticReport',
  id: 'dr-karyotype-20261112',
  status: 'final',
  category: [
    {
      coding: [{ system: 'http://prenatal-cds.org/fhir/CodeSystem/prenatal-observation', code: 'prenatal-diagnosis', display: '产前诊断' }],
    },
  ],
  code: { coding: [{ system: 'http://prenatal-cds.org/fhir/CodeSystem/prenatal-order', code: 'karyotype' }], text: '绒毛染色体核型分析' },
  subject: { reference: 'Patient/p-zhang-li-1989' },
  effectiveDateTime: '2026-10-29T09:40:00+08:00',
  issued: '2026-11-12T16:20:00+08:00',
  performer: [{ reference: 'Organization/org-zju-womens', display: '浙江大学医学院附属妇产科医院' }],
  conclusion: '47,XX,+21，胎儿21三体综合征',
  conclusionCode: [{ coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cn', code: 'Q90.000', display: '21三体综合征' }] }],
};

function body(withOrganization = true): HookBody {
  const b = example(SERVICE);
  addToBundle(b, 'diagnosticReports', KARYOTYPE);
  if (withOrganization) addToBundle(b, 'diagnosticReports', ZJU_WH);
  return b;
}

async function cards(e: ReturnType<typeof buildE2eApp>, b: HookBody): Promise<WireCard[]> {
  const res = await request(e.app).post(`/cds-services/${SERVICE}`).set('Content-Type', 'application/json').send(JSON.stringify(b));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectConformant(res.body);
  return (res.body as { cards: WireCard[] }).cards;
}

describe('abnormal-result-notice through the app', () => {
  it('47,XX,+21 from a prenatal-diagnosis institution: the Art. 27 card, its stored notice (art27) and its page', async () => {
    const e = buildE2eApp();
    const [card, ...rest] = await cards(e, body());
    expect(rest.filter((c) => findingsOf(c).length > 0)).toEqual([]);
    expect(card!.indicator).toBe('warning');
    const findings = findingsOf(card);
    expect(findings[0]).toMatchObject({
      rule: 'abnormal-result-notice',
      citation: 'ZJ-2023 Art.27',
      evidence: ['DiagnosticReport/dr-karyotype-20261112', 'Organization/org-zju-womens'],
      params: {
        kinds: ['chromosomal'],
        ethicsReview: false,
        items: [{ code: { code: 'Q90.000' }, performerName: '浙江大学医学院附属妇产科医院' }],
      },
    });
    // The woman's Art. 24 indications stay on the card (and in the audit), without an Art. 25 notice.
    expect(findings.map((f) => f.rule)).toContain('ama');
    const detail = unescapeMarkdown(card!.detail ?? '');
    expect(detail).toContain('ZJ-2023 Art.27');
    expect(detail).toContain('高龄孕妇');

    const stored = await e.notices.get(noticeIdOf(card!));
    const content = stored!.content as { template: string; rules: string[]; texts: Record<string, { legalBasis: string }> };
    expect(content).toMatchObject({ template: 'art27', rules: ['abnormal-result-notice'] });
    expect(stored!.hash).toBe(hashNoticeContent(stored!.content));
    expect(content.texts['zh-CN']!.legalBasis).toBe('《浙江省母婴保健专项技术服务管理办法》第二十七条');

    const page = (await request(e.app).get(noticePath(card!)).expect(200)).text;
    for (const role of ['woman', 'spouse', 'next-of-kin', 'physician']) expect(page).toContain(`data-role="${role}"`);
    expect(page).toContain('配偶签名');
    expect(page).toContain('近亲属代签（仅在孕妇缺乏认知能力时）');
    expect(page).toContain('由其近亲属代为选择');
    expect(page).toContain('由您和您的配偶在充分了解以上情况后共同自行选择');
    expect(page).toContain('2026年10月29日，浙江大学医学院附属妇产科医院出具的产前诊断报告结论为：47,XX,+21，胎儿21三体综合征。');
    expect(page).not.toMatch(/Q90|DiagnosticReport\/|Organization\//);
  });

  it('the performer Organization left out of the record: could not verify (undecided), and the Art. 25 card as before', async () => {
    const e = buildE2eApp();
    const all = await cards(e, body(false));
    const referral = all.find((c) => findingsOf(c).length > 0);
    expect(findingsOf(referral).map((f) => f.rule)).not.toContain('abnormal-result-notice');
    const undecided = all.flatMap((c) => (c.extension?.[UNDECIDED_EXTENSION] ?? []) as { rule: string; reason: string }[]);
    const mine = undecided.find((u) => u.rule === 'abnormal-result-notice');
    expect(mine?.reason).toContain('could not verify the performing institution: Organization/org-zju-womens');
  });
});
