import { describe, expect, it } from 'vitest';
import { noticeContentSchema } from '../../../src/referral/notice/content-schema.js';
import { buildArt27NoticeContent } from '../../../src/referral/notice/art27-content.js';
import { renderArt27NoticeHtml } from '../../../src/referral/notice/art27-page.js';
import { renderNoticeHtml } from '../../../src/referral/notice/page.js';
import { hashNoticeContent as jcsHash } from '../../../src/referral/notice/content.js';
import { buildArt27Card } from '../../../src/referral/art27-card.js';
import { FACTS, finding, NOW, patient } from '../fixtures.js';

const INSTITUTION = { id: 'org-pd', name: '浙江大学医学院附属妇产科医院' };

function content(over: Partial<Parameters<typeof buildArt27NoticeContent>[0]> = {}) {
  return buildArt27NoticeContent({
    noticeId: '0f0e0d0c-0b0a-4908-8706-050403020100',
    finding: finding('abnormal-result-notice'),
    facts: FACTS,
    patient: patient(),
    now: NOW,
    institution: INSTITUTION,
    practitionerRef: 'Practitioner/dr-li',
    practitioner: { resourceType: 'Practitioner', id: 'dr-li', name: [{ family: '李', given: ['明'] }] },
    mrnSystem: 'urn:oid:2.16.156.10011.1.12',
    ...over,
  });
}

describe('Art. 27 notice content (template art27)', () => {
  it('is a notice content of the shared schema, template art27, covering abnormal-result-notice', () => {
    const c = content();
    expect(noticeContentSchema.parse(c)).toEqual(c);
    expect(c).toMatchObject({ template: 'art27', schemaVersion: 2, rules: ['abnormal-result-notice'], languages: ['zh-CN', 'en'] });
    expect(c.indications[0]).toMatchObject({
      rule: 'abnormal-result-notice',
      citation: 'ZJ-2023 Art.27',
      evidence: ['DiagnosticReport/kt1'],
    });
  });

  it("the woman's register: the result in the lab's words, Art. 27 written out, no codes, no references", () => {
    const t = content().texts['zh-CN'];
    const all = JSON.stringify(t);
    expect(t.legalBasis).toBe('《浙江省母婴保健专项技术服务管理办法》第二十七条');
    expect(t.sections.map((s) => s.key)).toEqual(['result', 'continuing', 'terminating', 'management', 'choice', 'capacity', 'ethics']);
    expect(t.sections[0]!.paragraphs[0]).toBe(
      '2026年3月6日，浙江大学医学院附属妇产科医院出具的产前诊断报告结论为：47,XX,+21，胎儿21三体综合征。',
    );
    for (const bad of ['Q90', 'DiagnosticReport/', 'Organization/', 'ZJ-2023', 'icd-10']) expect(all).not.toContain(bad);
    expect(all).toContain('配偶');
    expect(all).toContain('近亲属代为选择');
    expect(t.signatures.map((s) => s.role)).toEqual(['woman', 'spouse', 'next-of-kin', 'physician']);
    expect(t.signatures[3]!.note).toBe('经治医师：李明');
    expect(t.decision.choices).toEqual({
      continue: '继续妊娠',
      terminate: '终止妊娠',
      undecided: '尚未决定，将于____年__月__日前告知医师',
    });
  });

  it('ethics committee: the general sentence below the threshold, the referral when flagged', () => {
    expect(content().texts['zh-CN'].sections.at(-1)!.paragraphs[0]).toContain('如您的情况涉及伦理问题');
    const flagged = content({ finding: finding('abnormal-result-notice', { ethicsReview: true, gaDays: 200 }) });
    expect(flagged.texts['zh-CN'].sections.at(-1)!.paragraphs[0]).toBe(
      '您目前孕周为28周4天，已达到或超过28周。按照规定，本院将把您的情况提交医学伦理委员会讨论，委员会的意见和建议会告知您和您的配偶。',
    );
    expect(flagged.texts.en.sections.at(-1)!.paragraphs[0]).toContain('28 weeks and 4 days');
  });

  it('deterministic: the same input gives the same hash', () => {
    expect(jcsHash(content())).toBe(jcsHash(content()));
    expect(jcsHash(content())).not.toBe(
      jcsHash(content({ practitioner: { resourceType: 'Practitioner', id: 'dr-wang', name: [{ text: '王芳' }] } })),
    );
  });

  it('refuses a finding of another rule', () => {
    expect(() => content({ finding: finding('ama') })).toThrow(/not an abnormal-result-notice finding/);
  });
});

describe('Art. 27 page', () => {
  it.each(['zh-CN', 'en'] as const)('%s: both spouses, the next of kin, the physician sign; three boxes; no code on the page', (lang) => {
    const html = renderArt27NoticeHtml({ id: 'n1', hash: 'abc', content: content() }, lang);
    for (const role of ['woman', 'spouse', 'next-of-kin', 'physician']) expect(html).toContain(`data-role="${role}"`);
    for (const choice of ['continue', 'terminate', 'undecided']) expect(html).toContain(`data-choice="${choice}"`);
    expect(html).not.toMatch(/Q90|DiagnosticReport\/|<script/);
    if (lang === 'zh-CN') {
      expect(html).toContain('配偶签名');
      expect(html).toContain('近亲属代签（仅在孕妇缺乏认知能力时）');
      expect(html).toContain('与孕妇关系');
    } else {
      expect(html).toContain('Signature of her husband');
      expect(html).toContain('Next of kin signing for her (only if she cannot decide for herself)');
    }
  });

  it.each([
    ['zh-CN', '产前诊断结果异常书面告知书（知情选择同意书）'],
    ['en', 'Written notice of an abnormal prenatal-diagnosis result (informed choice and consent)'],
  ] as const)('%s: the shared frame (GET /notices/{id}) prints the Art. 27 title, never the Art. 25 one', (lang, title) => {
    const c = content();
    const html = renderNoticeHtml(
      { id: 'n1', createdAt: NOW.instant, hash: jcsHash(c), patientId: 'p1', institutionId: 'org-pd', content: c },
      lang,
    );
    expect(html).toContain(`<title>${title}</title>`);
    expect(html.match(/<h1>([^<]*)<\/h1>/g)).toEqual([`<h1>${title}</h1>`, `<h1>${title}</h1>`]);
    expect(html).not.toContain(lang === 'zh-CN' ? '>产前诊断书面告知书<' : 'Written notice recommending prenatal diagnosis');
  });

  it.each([
    ['zh-CN', '法律依据：《浙江省母婴保健专项技术服务管理办法》第二十七条'],
    ['en', 'Legal basis: Article 27 of the Zhejiang Provincial Measures'],
  ] as const)('%s: the shared frame prints the legal basis (Art. 27 written out) in each copy', (lang, basis) => {
    const c = content();
    const html = renderNoticeHtml(
      { id: 'n1', createdAt: NOW.instant, hash: jcsHash(c), patientId: 'p1', institutionId: 'org-pd', content: c },
      lang,
    );
    expect(html.split(basis).length - 1).toBe(2);
  });

  it('escapes record text', () => {
    const html = renderArt27NoticeHtml(
      { id: 'n1', hash: 'abc', content: content({ patient: patient({ name: [{ text: '<b>王</b>' }] }) }) },
      'zh-CN',
    );
    expect(html).not.toContain('<b>王</b>');
    expect(html).toContain('&lt;b&gt;王&lt;/b&gt;');
  });
});

describe('Art. 27 card', () => {
  let n = 0;
  const newId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
  const input = (over: Partial<Parameters<typeof buildArt27Card>[0]> = {}) => ({
    finding: finding('abnormal-result-notice'),
    others: [finding('screening-high-risk')],
    noticeId: 'n1',
    noticeUrl: 'https://cds.example.org/notices/n1?t=tok',
    notice: content(),
    locale: 'zh-CN' as const,
    newId,
    now: NOW,
    patientRef: 'Patient/p1',
    practitionerRef: 'Practitioner/dr-li',
    ...over,
  });

  it('warning, cites Art.27, links the notice, suggests the notice Communication (about the report), lists the other indications', () => {
    const card = buildArt27Card(input());
    expect(card.indicator).toBe('warning');
    expect(card.summary.length).toBeLessThan(140);
    const plain = card.detail!.replace(/\\/g, ''); // markdown escapes removed
    expect(plain).toContain('ZJ-2023 Art.27');
    expect(plain).toContain('产前筛查高风险');
    expect(card.links).toEqual([expect.objectContaining({ url: 'https://cds.example.org/notices/n1?t=tok', type: 'absolute' })]);
    const comm = card.suggestions![0]!.actions![0]!.resource as Record<string, unknown>;
    expect(comm).toMatchObject({ resourceType: 'Communication', about: [{ reference: 'DiagnosticReport/kt1' }] });
    expect(JSON.stringify(comm)).toContain('"valueCode":"abnormal-result-notice"');
    const ext = (card.extension as Record<string, { rule: string }[]>)['org.prenatal-cds.findings']!;
    expect(ext.map((f) => f.rule)).toEqual(['abnormal-result-notice', 'screening-high-risk']);
  });

  it('info, no suggestion, when a notice Communication on file covers abnormal-result-notice', () => {
    const card = buildArt27Card(
      input({ existingNotice: { date: '2026-03-08', rules: ['abnormal-result-notice'], reference: 'Communication/c1' } }),
    );
    expect(card.indicator).toBe('info');
    expect(card.suggestions).toBeUndefined();
    expect(card.summary).toContain('2026-03-08');
  });

  it('the ethics line when flagged', () => {
    const f = finding('abnormal-result-notice', { ethicsReview: true, gaDays: 200 });
    const card = buildArt27Card(input({ finding: f, notice: content({ finding: f, facts: { ...FACTS, ga: '28+4', gaDays: 200 } }) }));
    expect(card.detail!.replace(/\\/g, '')).toContain('孕周 28+4 已达到伦理讨论界值（28周）');
  });
});
