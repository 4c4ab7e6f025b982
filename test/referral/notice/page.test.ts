import { describe, expect, it } from 'vitest';
import type { StoredNotice } from '../../../src/engine/stored-notice.js';
import { buildNoticeContent, hashNoticeContent } from '../../../src/referral/notice/content.js';
import { renderNoticeHtml } from '../../../src/referral/notice/page.js';
import { ALL_FINDINGS, FACTS, finding, INJECTION, NOW, patient, POLICY } from '../fixtures.js';

function stored(over: Partial<Parameters<typeof buildNoticeContent>[0]> = {}): StoredNotice {
  const content = buildNoticeContent({
    noticeId: 'n-42',
    findings: ALL_FINDINGS,
    facts: FACTS,
    patient: patient(),
    policy: POLICY,
    now: NOW,
    ...over,
  });
  return { id: 'n-42', createdAt: NOW.instant, hash: hashNoticeContent(content), patientId: 'p1', institutionId: 'org-1', content };
}

describe('printable notice page', () => {
  it('zh-CN: a complete offline document with every required section', () => {
    const n = stored();
    const html = renderNoticeHtml(n, 'zh-CN');
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="zh-CN">/);
    expect(html).toContain('@page { size: A4; margin: 18mm; }');
    expect(html).toContain('Songti SC');
    for (const text of [
      '<title>产前诊断书面告知书</title>',
      '杭州市某区妇幼保健院',
      '王小红',
      '35周岁',
      '36周岁',
      '19+3',
      '2026-08-01',
      '高龄孕妇',
      '羊水过多或过少',
      '胎儿发育异常或可疑畸形',
      '孕早期可能接触致畸物',
      '遗传病家族史',
      '曾分娩先天性严重缺陷儿',
      '产前筛查高风险',
      'ZJ-2023 Art.24(5); PDM Art.17(5)',
      'Cystic fibrosis',
      '医师建议',
      '羊膜腔穿刺',
      '绒毛取样',
      '脐血穿刺',
      '染色体',
      '风险',
      '知情选择、孕妇自愿',
      '第二十二条',
      '浙江大学医学院附属妇产科医院产前诊断中心',
      '杭州市上城区学士路1号',
      '0571-00000000',
      '☐</span>同意转诊产前诊断',
      '☐</span>暂不接受/拒绝产前诊断',
      '☐</span>尚未决定',
      '孕妇或家属签名',
      '与孕妇关系',
      '告知医师签名',
      '日期',
      '告知日期',
      '2026-03-10',
      'n-42',
      n.hash,
    ])
      expect(html, text).toContain(text);
  });

  it('en: the same sections in English', () => {
    const n = stored();
    const html = renderNoticeHtml(n, 'en');
    expect(html).toContain('<html lang="en">');
    for (const text of [
      'Written notice recommending prenatal diagnosis',
      'Age at EDD',
      '36 years',
      'advanced maternal age',
      'Possible teratogen exposure — physician to confirm',
      'amniocentesis',
      'chorionic villus sampling',
      'cordocentesis',
      'karyotyping',
      'miscarriage',
      'informed choice',
      'Article 22',
      'Where to go for prenatal diagnosis',
      'I agree to be referred for prenatal diagnosis',
      'I decline or postpone prenatal diagnosis',
      'I have not decided yet',
      'Signature of the woman or a family member',
      'Relationship to the woman',
      'Signature of the physician giving notice',
      n.hash,
    ])
      expect(html, text).toContain(text);
  });

  it('needs no scripts and loads nothing external', () => {
    const html = renderNoticeHtml(stored(), 'zh-CN');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|href=|@import|url\(|\son\w+=/i);
  });

  it('HTML-escapes patient-derived text (name, condition display/text, family history text)', () => {
    const html = renderNoticeHtml(
      stored({
        patient: patient({ name: [{ use: 'official', text: INJECTION }] }),
        findings: [
          finding('fetal-anomaly', {
            items: [{ reference: 'Condition/c1', code: { system: 's', code: 'c', display: INJECTION }, text: `${INJECTION}!` }],
          }),
          finding('genetic-family-history', {
            items: [{ reference: 'FamilyMemberHistory/f1', text: INJECTION, relationship: { system: 's', code: 'X', display: INJECTION } }],
          }),
        ],
      }),
      'zh-CN',
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('shows 不详 when name or ages are unknown', () => {
    const html = renderNoticeHtml(stored({ patient: patient({ name: [], birthDate: '1990' }) }), 'zh-CN');
    expect(html).toContain('<td>不详</td>');
    expect(html).toContain('年龄不详');
  });

  it('rejects content that is not a notice', () => {
    expect(() => renderNoticeHtml({ ...stored(), content: { hello: 'world' } }, 'zh-CN')).toThrow();
  });
});
