import en from '../../../cds-hooks/messages/notice.en.json' with { type: 'json' };
import zhCN from '../../../cds-hooks/messages/notice.zh-CN.json' with { type: 'json' };
import { catalogue, type Locale, type MessageValues } from '../../render/messages.js';

/**
 * Message catalogue of the written notice (`cds-hooks/messages/notice.<locale>.json`): the woman's
 * register (plain words) and the page chrome, formatted by the one formatter of
 * src/render/messages.ts. Callers escape record-derived values for their format.
 */
export type NoticeMessageKey = keyof typeof zhCN;

export const NOTICE_CATALOGUES: Readonly<Record<Locale, Readonly<Record<NoticeMessageKey, string>>>> = Object.freeze({
  'zh-CN': zhCN,
  en,
});

const NOTICE = catalogue<string>('notice', NOTICE_CATALOGUES);

/** Formats `key` of `locale`; a missing key or placeholder value is a caller bug and throws. */
export function noticeMessage(locale: Locale, key: NoticeMessageKey, values: MessageValues = {}): string {
  return NOTICE.message(locale, key, values);
}

/** A key built from data (rule id, procedure, test): `undefined` when the catalogue lacks it. */
export function lookupNoticeMessage(locale: Locale, key: string, values: MessageValues = {}): string | undefined {
  return NOTICE.has(locale, key) ? NOTICE.message(locale, key, values) : undefined;
}
