import type { Locale } from '../../render/messages.js';
import { renderNoticeInfoPage } from './info-page.js';

/**
 * The page an expired notice link opens (docs/design.md#notice-links): no name, no birth date, no
 * content of the notice — only its number and how to reprint it from the EHR. zh-CN or English, as
 * the notice page itself. Plain HTML, no scripts.
 */
export interface ExpiredNoticePageInput {
  readonly noticeId: string;
  /** How long the link was valid, in days (its expires-at minus issued-at). */
  readonly days: number;
  readonly lang: Locale;
}

const TEXT: Record<Locale, { title: string; paragraphs: (days: number, id: string) => string[] }> = {
  'zh-CN': {
    title: '告知书打印链接已过期',
    paragraphs: (days, id) => [
      `为保护孕妇的个人信息，告知书打印链接自签发起 ${days} 天后失效。此链接已过期，不能延期。`,
      '如需重新打印：请在电子病历（EHR）中重新打开该孕妇的病历，产前诊断提醒卡片会给出新的打印链接。',
      `若病历中已登记本告知书（书面告知记录），新链接打开的是同一份告知书：编号 ${id}，内容不变。`,
      '若病历中未登记本告知书，卡片会生成一份新的告知书（新编号）。',
    ],
  },
  en: {
    title: 'This notice link has expired',
    paragraphs: (days, id) => [
      `To protect the woman's personal information, a notice print link stops working ${days} days after it was issued. This link has expired and cannot be extended.`,
      "To reprint: open the woman's record in the EHR again; the prenatal-diagnosis card gives a new print link.",
      `When the EHR records this notice as given (the written-notice record), the new link opens the same notice: number ${id}, unchanged.`,
      'When the EHR does not record this notice, the card issues a new notice with a new number.',
    ],
  },
};

export function renderExpiredNoticePage(i: ExpiredNoticePageInput): string {
  const t = TEXT[i.lang];
  return renderNoticeInfoPage(i.lang, t.title, t.paragraphs(i.days, i.noticeId));
}
