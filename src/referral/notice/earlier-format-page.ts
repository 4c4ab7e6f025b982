import type { Locale } from '../../render/messages.js';
import { renderNoticeInfoPage } from './info-page.js';

/**
 * The page a valid notice link opens when the stored notice was issued in an earlier content format
 * (docs/design.md#written-notice): a notice stored before the current schema is kept as it was
 * (content and hash untouched) but is no longer drawn. Like the expired-link page: no name, no
 * birth date, nothing of the notice — only its number and how to print a new one from the EHR.
 */
export interface EarlierFormatNoticePageInput {
  readonly noticeId: string;
  readonly lang: Locale;
}

const TEXT: Record<Locale, { title: string; paragraphs: (id: string) => string[] }> = {
  'zh-CN': {
    title: '此告知书为旧版格式，不能再打印',
    paragraphs: (id) => [
      `告知书（编号 ${id}）是按旧版格式出具的，本系统已不能再显示或打印。原告知书的内容和校验值仍按原样保存，没有被修改。`,
      '如需打印：请在电子病历（EHR）中重新打开该孕妇的病历，产前诊断提醒卡片会出具一份新版告知书（新编号）并给出打印链接。',
    ],
  },
  en: {
    title: 'This notice was issued in an earlier format',
    paragraphs: (id) => [
      `Notice number ${id} was issued in an earlier format, which this service can no longer display or print. The original notice and its hash are kept unchanged.`,
      "To print a notice: open the woman's record in the EHR again; the prenatal-diagnosis card issues a new notice in the current format (a new number) with a print link.",
    ],
  },
};

export function renderEarlierFormatNoticePage(i: EarlierFormatNoticePageInput): string {
  const t = TEXT[i.lang];
  return renderNoticeInfoPage(i.lang, t.title, t.paragraphs(i.noticeId));
}
