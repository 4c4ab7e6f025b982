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
    institution: POLICY.institution,
    ...over,
  });
  return { id: 'n-42', createdAt: NOW.instant, hash: hashNoticeContent(content), patientId: 'p1', institutionId: 'org-1', content };
}

describe('printable notice page', () => {
  it('zh-CN: a complete offline document with every required section, two copies and a running footer', () => {
    const n = stored();
    const html = renderNoticeHtml(n, 'zh-CN');
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="zh-CN">/);
    expect(html).toContain('@page { size: A4;');
    expect(html).toContain('Songti SC');
    for (const text of [
      '<title>产前诊断书面告知书</title>',
      '杭州市某区妇幼保健院',
      '王小红',
      '35周岁',
      '36周岁',
      '孕19周3天',
      '2026年8月1日',
      '高龄孕妇',
      '羊水过多或过少',
      '羊水指数 4.2 厘米（2026年3月1日超声）',
      '出生日期 1990年5月20日，预产期时36周岁',
      '《浙江省母婴保健专项技术服务管理办法》第二十四条第（五）项',
      '《浙江省母婴保健专项技术服务管理办法》第九条、第二十三条',
      '医师建议',
      '羊膜腔穿刺',
      '绒毛取样',
      '脐带血穿刺',
      '最晚可在2026年4月3日完成',
      '孕期检查和保健服务都照常进行',
      '知情选择、孕妇自愿',
      '第二十二条',
      '浙江大学医学院附属妇产科医院产前诊断中心',
      '杭州市上城区学士路1号',
      '0571-00000000',
      'data-choice="accepted-referral"',
      'data-choice="declined"',
      'data-choice="postponed"',
      '尚未决定，我将于2026年3月17日前回来告诉医师我的决定',
      '孕妇或家属签名',
      '与孕妇关系',
      '告知医师签名',
      '日期',
      '告知日期',
      '2026年3月10日',
      '病历号',
      'n-42',
      '含中文、英文两个语言版本；本页为中文版本',
      n.hash,
    ])
      expect(html, text).toContain(text);
    expect(html).not.toMatch(/Art\.|Patient\/|Observation\/|11627-7|请医师核实|isotretinoin|Cystic fibrosis|（本机构）/);
    // The institution's copy and the woman's (print only), each on its named page with its label in the margin.
    expect(html.match(/<main class="notice copy-(institution|woman)">/g)).toHaveLength(2);
    expect(html).toContain('@page woman-copy { @top-right { content: "\\5b55 \\5987 \\7559 \\5b58 \\8054 "');
    expect(html).toMatch(/@bottom-right \{ content: "\\7b2c {2}" counter\(page\) " \\9875 \\ff0c \\5171 {2}" counter\(pages\)/);
  });

  it('en: the same sections in English, in plain words', () => {
    const n = stored();
    const html = renderNoticeHtml(n, 'en');
    expect(html).toContain('<html lang="en">');
    for (const text of [
      'Written notice recommending prenatal diagnosis',
      'Age at due date',
      '36 years',
      'advanced maternal age',
      'Amniotic fluid index 4.2 centimetres (ultrasound, 1 March 2026)',
      'Article 24, item (5) of the Zhejiang Provincial Measures',
      'Amniocentesis is usually done from 16 weeks to 22 weeks and 6 days of pregnancy',
      'chorionic villus sampling',
      'Cordocentesis',
      'miscarriage',
      'informed choice',
      'Article 22',
      'Where to go for prenatal diagnosis',
      'I agree to be referred to',
      'I decide not to have it',
      'I have not decided yet; I will come back and tell my physician my decision by 17 March 2026',
      'Signature of the woman or a family member',
      'Relationship to the woman',
      'Signature of the physician',
      'this page is the English version',
      n.hash,
    ])
      expect(html, text).toContain(text);
    expect(html).not.toMatch(/Art\.|Patient\/|11627-7|physician to confirm/);
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
