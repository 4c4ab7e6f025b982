import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredNotice } from '../../src/engine/stored-notice.js';
import { buildArt27NoticeContent } from '../../src/referral/notice/art27-content.js';
import { hashNoticeContent } from '../../src/referral/notice/content.js';
import { FACTS, finding, NOW, patient } from '../referral/fixtures.js';
import { launchChromium, type LaunchedBrowser } from './support/chromium.js';
import { expectTwoPrintedCopies, OUT, printMissingReason as missing, printNotice } from './support/notice-print.js';

/**
 * The Art. 27 written notice (template `art27`: an abnormal prenatal-diagnosis result, CVS karyotype
 * 47,XX,+21 from 浙江大学医学院附属妇产科医院) printed by Chromium to an A4 PDF in zh-CN and English
 * and read back with `pdftotext -layout`: the title, the result paragraph, the outcomes of
 * continuing and of terminating, the three choice boxes, the signature blocks of the woman, her
 * husband, the next of kin and the physician each with its Date field, the legal basis (Art. 27
 * written out — the printed page lacked it before), the hash line, the running
 * footer on every page, and nothing past the printable width. PDFs and PNGs in test-results/.
 */
const MRN = 'https://hospital.example.cn/fhir/sid/mrn';
const ID = '7c3e9a51-2b4d-4f60-8e1a-93d5c0b7f214';

if (missing && !process.env.CI) console.warn(`[notice-print-art27 browser test] skipped: ${missing}`);

describe.runIf(missing && process.env.CI)('Art. 27 notice printing in Chromium (CI)', () => {
  it('needs Chromium and pdftotext', () => {
    throw new Error(`browser test cannot run in CI: ${missing}`);
  });
});

function notice(): StoredNotice {
  const content = buildArt27NoticeContent({
    noticeId: ID,
    finding: finding('abnormal-result-notice'),
    facts: FACTS,
    patient: patient({ identifier: [{ system: MRN, value: 'ZY20260310001' }] }),
    now: NOW,
    institution: { id: 'org-zju-womens', name: '浙江大学医学院附属妇产科医院' },
    practitionerRef: 'Practitioner/dr-li',
    practitioner: { resourceType: 'Practitioner', id: 'dr-li', name: [{ family: '李', given: ['明'] }] },
    mrnSystem: MRN,
  });
  return { id: ID, createdAt: NOW.instant, hash: hashNoticeContent(content), patientId: 'p1', content };
}

describe.skipIf(Boolean(missing))('Art. 27 notice printing in Chromium', () => {
  let browser: LaunchedBrowser;
  let page: Page;
  const n = notice();

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    browser = await launchChromium({ timezoneId: 'Asia/Shanghai', locale: 'zh-CN' });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const [lang, t] of [
    [
      'zh-CN',
      {
        running: ['孕妇：王小红', '病历号：ZY20260310001', `告知书编号：${ID}`],
        pageOf: (i: number, k: number) => `第${i}页，共${k}页`,
        copies: ['机构存档联', '孕妇留存联'],
        fields: [
          '产前诊断结果异常书面告知书（知情选择同意书）',
          '告知机构：浙江大学医学院附属妇产科医院',
          '孕妇姓名王小红',
          '病历号ZY20260310001',
          '告知医师李明',
          '2026年3月6日，浙江大学医学院附属妇产科医院出具的产前诊断报告结论为：47,XX,+21，胎儿21三体综合征。',
          '以上结果提示胎儿染色体异常',
          '二、继续妊娠可能出现的结果',
          '染色体异常通常不能在孕期或出生后治愈',
          '三、终止妊娠可能出现的结果',
          '多数女性今后仍可正常怀孕',
          '四、进一步处理意见（医师建议）',
          '医师补充意见：',
          '五、由夫妻双方自行选择',
          '六、孕妇缺乏认知能力时',
          '七、医学伦理委员会',
          '☐继续妊娠',
          '☐终止妊娠',
          '☐尚未决定，将于____年__月__日前告知医师',
          '孕妇签名：',
          '配偶签名：',
          '近亲属代签（仅在孕妇缺乏认知能力时）：',
          '与孕妇关系：',
          '代签人须写明与孕妇的关系。',
          '经治医师签名：',
          '经治医师：李明',
          '法律依据：《浙江省母婴保健专项技术服务管理办法》第二十七条',
          '含中文、英文两个语言版本；本页为中文版本',
        ],
        dates: '日期：',
      },
    ],
    [
      'en',
      {
        running: ['Name: 王小红', 'Record number: ZY20260310001', `Notice number: ${ID}`],
        pageOf: (i: number, k: number) => `Page${i}of${k}`,
        copies: ["Copy for the institution's records", 'Copy for the woman'],
        fields: [
          'Written notice of an abnormal prenatal-diagnosis result (informed choice and consent)',
          'Issuing institution: 浙江大学医学院附属妇产科医院',
          'Record number',
          '6 March 2026',
          '47,XX,+21，胎儿21三体综合征',
          '2. What may happen if you continue the pregnancy',
          '3. What may happen if you end the pregnancy',
          '4. What your doctor proposes next',
          "5. The decision is yours and your husband's",
          '6. If the woman cannot decide for herself',
          '7. Medical ethics committee',
          '☐Continue the pregnancy',
          '☐End the pregnancy',
          '☐Not yet decided; we will tell the doctor by (date) ____________',
          'Signature of the woman:',
          'Signature of her husband:',
          'Next of kin signing for her (only if she cannot decide for herself):',
          'Relationship to the woman:',
          'The next of kin writes down how they are related to her.',
          'Signature of the doctor:',
          'Doctor: 李明',
          'Legal basis: Article 27 of the Zhejiang Provincial Measures for the Management of Special Maternal and Infant Health Care Technical Services',
          'this page is the English version',
        ],
        dates: 'Date:',
      },
    ],
  ] as const) {
    it(`${lang}: A4 PDF with the result, both outcomes, the choice boxes, four signature blocks with dates, two copies and a running footer on every page`, async () => {
      const { overflow, pages } = await printNotice(page, n, 'notice-art27', lang);
      expect(overflow, `${lang}: nothing past the printable width`).toEqual([]);
      // Room to sign: each signature line at least 50 mm, each Date / relationship line at least 32 mm (print media, 96 px per inch).
      await page.emulateMedia({ media: 'print' });
      const lines = (await page.evaluate(`[...document.querySelectorAll('main.copy-institution .sign-block .line')]
        .map((l) => [l.classList.contains('short'), l.getBoundingClientRect().width * 25.4 / 96])`)) as [boolean, number][];
      await page.emulateMedia({ media: 'screen' });
      expect(lines.filter(([short]) => !short).length, 'one signature line per block').toBe(4);
      for (const [short, mm] of lines) expect(mm, short ? 'Date line' : 'signature line').toBeGreaterThanOrEqual(short ? 31.9 : 49.9);
      // A Date field in each of the four signature blocks (woman, husband, next of kin, physician), whole.
      expectTwoPrintedCopies(pages, t, n.hash, (dates) => expect(dates, t.dates).toBe(4));
    });
  }
});
