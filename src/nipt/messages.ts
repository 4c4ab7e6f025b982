import en from '../../cds-hooks/messages/nipt.en.json' with { type: 'json' };
import zhCN from '../../cds-hooks/messages/nipt.zh-CN.json' with { type: 'json' };
import { catalogue, type Locale, type MessageValues } from '../render/messages.js';

/**
 * Message catalogue of the NIPT card (`cds-hooks/messages/nipt.<locale>.json`, zh-CN default),
 * formatted by the one formatter of src/render/messages.ts. Callers escape record-derived values.
 */
export type NiptMessageKey = keyof typeof zhCN;

export const NIPT_CATALOGUES: Readonly<Record<Locale, Readonly<Record<NiptMessageKey, string>>>> = Object.freeze({ 'zh-CN': zhCN, en });

const NIPT = catalogue<string>('nipt', NIPT_CATALOGUES);

/** Formats `key` of `locale`; a missing key or placeholder value is a caller bug and throws. */
export function niptMessage(locale: Locale, key: NiptMessageKey | string, values: MessageValues = {}): string {
  return NIPT.message(locale, key, values);
}

/** Whether the catalogue has `key` (keys built from rule ids, reasons and codes). */
export function hasNiptMessage(locale: Locale, key: string): boolean {
  return NIPT.has(locale, key);
}
