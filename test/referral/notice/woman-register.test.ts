import { describe, expect, it } from 'vitest';
import type { PregnancyFacts } from '../../../src/clinical/finding-params.js';
import { clinicalNowAt } from '../../../src/clock.js';
import { buildNoticeContent, type NoticeContentInput } from '../../../src/referral/notice/content.js';
import { renderNoticeHtml } from '../../../src/referral/notice/page.js';
import { noticePlainText } from '../../../src/referral/notice/text.js';
import { noticeTiming } from '../../../src/referral/notice/timing.js';
import { citationWords } from '../../../src/referral/notice/words.js';
import { ART25_RULE_IDS, FACTS, finding, NOW, patient, POLICY } from '../fixtures.js';

/**
 * The woman's register of the Art. 25 notice (docs/design.md#written-notice): for every
 * indication, plain words with the right article — no codes, no resource references, no
 * abbreviated citations, no text meant for the physician.
 */
const input = (over: Partial<NoticeContentInput> = {}): NoticeContentInput => ({
  noticeId: 'n-7',
  findings: [finding('ama')],
  facts: FACTS,
  patient: patient(),
  policy: POLICY,
  now: NOW,
  institution: POLICY.institution,
  ...over,
});

/** LOINC (11627-7), SNOMED CT (6–18 digits), ICD-10 (O35.0, Q90.000), ATC (D10BA01) codes. */
const CODE = /\b\d{1,7}-\d\b|\b\d{6,18}\b|\b[A-TV-Z]\d{2}(?:\.\d{1,3})?\b|\b[A-Z]\d{2}[A-Z]{2}\d{2}\b/;
const REFERENCE = /\b(?:Patient|Observation|Condition|FamilyMemberHistory|MedicationStatement|DiagnosticReport)\//;
const EXPECTED_ARTICLE: Readonly<Record<string, string>> = {
  ama: '第二十四条第（五）项',
  'amniotic-fluid': '第二十四条第（一）项',
  'fetal-anomaly': '第二十四条第（二）项',
  'teratogen-exposure': '第二十四条第（三）项',
  'genetic-family-history': '第二十四条第（四）项',
  'prior-affected-birth': '第二十四条第（四）项',
  'screening-high-risk': '第九条、第二十三条',
};

describe("the woman's register, per indication", () => {
  for (const rule of ART25_RULE_IDS.filter((r) => r in EXPECTED_ARTICLE)) {
    it(`${rule}: plain words, the right article, no codes or references`, () => {
      const c = buildNoticeContent(input({ findings: [finding(rule)] }));
      for (const l of ['zh-CN', 'en'] as const) {
        const woman = JSON.stringify(c.texts[l]);
        const page = renderNoticeHtml({ id: 'n-7', createdAt: NOW.instant, hash: 'h', patientId: 'p1', content: c }, l);
        // The partner institution's telephone number is the one number-with-hyphen she should see.
        const text = noticePlainText(c, l).replace(POLICY.referralInstitution.phone!, '');
        for (const s of [woman, text]) {
          expect(s, l).not.toMatch(CODE);
          expect(s, l).not.toMatch(REFERENCE);
          expect(s, l).not.toMatch(/Art\.|ZJ-2023|PDM|请医师核实|physician to confirm|\bAFI\b|\bDVP\b|\bNT\b|\bNIPT\b/);
        }
        expect(page).not.toMatch(REFERENCE);
        expect(page).not.toMatch(/Art\.|ZJ-2023/);
      }
      const zh = c.texts['zh-CN'].indications[0]!;
      expect(zh.legalBasis).toContain(`《浙江省母婴保健专项技术服务管理办法》${EXPECTED_ARTICLE[rule]}`);
      expect(zh.sentence.length).toBeGreaterThan(5);
      // No English record displays on the Chinese page.
      const zhWords = JSON.stringify(c.texts['zh-CN'], (k, v: unknown) => (k === 'rule' ? undefined : v)).replace(/"\w+":/g, '');
      expect(zhWords).not.toMatch(/[A-Za-z]{3,}/);
      // The physician's register keeps the codes and references (the card, the audit).
      expect(c.indications[0]!.evidence.length).toBeGreaterThan(0);
      expect(c.indications[0]!.citation).toMatch(/^ZJ-2023 Art\./);
    });
  }

  it('evidence in words: birth date and age at the due date, amniotic fluid index with its ultrasound date', () => {
    const c = buildNoticeContent(
      input({
        findings: [
          finding('ama', { birthDate: '1989-03-15', ageYears: 38, referenceDate: '2027-04-01' }),
          finding('amniotic-fluid', {
            items: [{ reference: 'Observation/afi9', date: '2026-11-20', value: 4.6, unit: 'cm' }],
          }),
        ],
      }),
    );
    expect(c.texts['zh-CN'].indications[0]!.evidence).toEqual(['出生日期 1989年3月15日，预产期时38周岁']);
    expect(c.texts['zh-CN'].indications[1]!.evidence).toEqual(['羊水指数 4.6 厘米（2026年11月20日超声）']);
  });

  it('high-risk screening only: Art. 9 and 23 wording and the screening recommendation, never Art. 24', () => {
    const c = buildNoticeContent(input({ findings: [finding('screening-high-risk')] }));
    const zh = JSON.stringify(c.texts['zh-CN']);
    expect(zh).toContain('第九条、第二十三条');
    expect(zh).not.toContain('第二十四条');
    expect(c.texts['zh-CN'].recommendation).toContain('筛查只能估计风险');
    expect(JSON.stringify(c.texts.en)).not.toContain('Article 24');
    const withAma = buildNoticeContent(input({ findings: [finding('screening-high-risk'), finding('ama')] }));
    expect(withAma.texts['zh-CN'].recommendation).toContain('您存在上述情形');
  });

  it('writes citations out in both languages', () => {
    expect(citationWords('ZJ-2023 Art.24(5); PDM Art.17(5)', 'zh-CN')).toBe(
      '《浙江省母婴保健专项技术服务管理办法》第二十四条第（五）项；《产前诊断技术管理办法》第十七条第（五）项',
    );
    expect(citationWords('ZJ-2023 Art.9, Art.23', 'en')).toBe(
      'Article 9 and Article 23 of the Zhejiang Provincial Measures for the Administration of Special Maternal and Infant Health Care Technical Services',
    );
    expect(citationWords('something else', 'zh-CN')).toBe('');
  });
});

describe('timing paragraph against the procedure windows', () => {
  /** Facts for a GA in days on the fixture's issue day (2026-03-10). */
  const factsAt = (gaDays: number): PregnancyFacts => ({ ...FACTS, gaDays, ga: `${Math.floor(gaDays / 7)}+${gaDays % 7}` });
  const timing = (gaDays: number) => buildNoticeContent(input({ facts: factsAt(gaDays) })).timing;
  const status = (gaDays: number) => Object.fromEntries(timing(gaDays).windows.map((w) => [w.procedure, w.status]));

  it('12 weeks: chorionic villus sampling open until 13+6 (dated), amniocentesis and cordocentesis to come', () => {
    expect(status(84)).toEqual({ cvs: 'open', amniocentesis: 'upcoming', cordocentesis: 'upcoming' });
    const t = timing(84);
    expect(t.windows[0]).toMatchObject({ from: '2026-03-03', until: '2026-03-23' });
    expect(t.windows[1]).toMatchObject({ from: '2026-04-07', until: '2026-05-25' });
    expect(t.comeBackBy).toBe('2026-03-17');
    const zh = buildNoticeContent(input({ facts: factsAt(84) })).texts['zh-CN'].timing.join('');
    expect(zh).toContain('绒毛取样通常在孕11周至13周6天进行，您现在正处于这一时期，最晚可在2026年3月23日完成');
    expect(zh).toContain('羊膜腔穿刺通常在孕16周至22周6天进行，即2026年4月7日至2026年5月25日');
  });

  it('13+6 is the last day of chorionic villus sampling, 14+0 is past it; the come-back day is not after the window closes', () => {
    expect(status(97).cvs).toBe('open');
    expect(timing(97).comeBackBy).toBe(NOW.today);
    expect(status(98).cvs).toBe('passed');
    expect(timing(95).comeBackBy).toBe('2026-03-12');
  });

  it('17 weeks: amniocentesis open, chorionic villus sampling passed, cordocentesis from 18+0', () => {
    expect(status(119)).toEqual({ cvs: 'passed', amniocentesis: 'open', cordocentesis: 'upcoming' });
    expect(status(112).amniocentesis).toBe('open');
    expect(status(111).amniocentesis).toBe('upcoming');
    expect(status(126).cordocentesis).toBe('open');
  });

  it('21 weeks: amniocentesis still open until 22+6; 22+6 its last day', () => {
    expect(status(147).amniocentesis).toBe('open');
    const t = timing(147);
    expect(t.windows[1]!.until).toBe('2026-03-23');
    expect(status(160).amniocentesis).toBe('open');
    expect(status(161).amniocentesis).toBe('passed');
  });

  it('23 weeks: only cordocentesis remains; the paragraph says to hurry', () => {
    expect(status(161)).toEqual({ cvs: 'passed', amniocentesis: 'passed', cordocentesis: 'open' });
    const c = buildNoticeContent(input({ facts: factsAt(161) }));
    expect(c.texts['zh-CN'].timing.join('')).toContain('羊膜腔穿刺的通常时间（孕16周至22周6天）已经过去');
    expect(c.texts['zh-CN'].timing.join('')).toContain('常规的取样时间已经过去或所剩不多');
    expect(c.texts.en.timing.join(' ')).toContain('Cordocentesis (a sample of the baby');
  });

  it('no GA: says so and gives the come-back day', () => {
    const t = noticeTiming(undefined, '2026-03-10', POLICY);
    expect(t.windows.every((w) => w.status === 'unknown')).toBe(true);
    const c = buildNoticeContent(input({ facts: { ...FACTS, gaDays: undefined, ga: undefined } }));
    expect(c.texts['zh-CN'].timing[0]).toContain('没有可靠的孕周');
  });

  it('follows the policy windows', () => {
    const now = clinicalNowAt(new Date('2026-03-10T02:00:00Z'), 'Asia/Shanghai');
    const policy = { ...POLICY, PROCEDURE_WINDOWS: { ...POLICY.PROCEDURE_WINDOWS, amniocentesis: { fromDays: 105, toDays: 153 } } };
    expect(noticeTiming(105, now.today, policy).windows[1]!.status).toBe('open');
    expect(noticeTiming(154, now.today, policy).windows[1]!.status).toBe('passed');
  });
});
