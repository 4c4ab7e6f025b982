import en from '../../cds-hooks/messages/nipt.en.json' with { type: 'json' };
import zhCN from '../../cds-hooks/messages/nipt.zh-CN.json' with { type: 'json' };
import type { Locale } from '../render/messages.js';

/**
 * Message catalogue of the NIPT card (`cds-hooks/messages/nipt.<locale>.json`, zh-CN default):
 * wording per locale; code picks keys and fills `{name}` placeholders. Values are inserted as
 * given; callers escape record-derived values for markdown before formatting.
 */
export type NiptMessageKey = keyof typeof zhCN;

export const NIPT_CATALOGUES: Readonly<Record<Locale, Readonly<Record<NiptMessageKey, string>>>> = Object.freeze({ 'zh-CN': zhCN, en });

const PLACEHOLDER = /\{(\w+)\}/g;

/** Formats `key` of `locale`; a missing key or placeholder value is a caller bug and throws. */
export function niptMessage(locale: Locale, key: NiptMessageKey | string, values: Readonly<Record<string, string | number>> = {}): string {
  const template = (NIPT_CATALOGUES[locale] as Readonly<Record<string, string>>)[key];
  if (template === undefined) throw new Error(`nipt message ${key} (${locale}) not found`);
  return template.replace(PLACEHOLDER, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`nipt message ${key} (${locale}): no value for {${name}}`);
    return String(v);
  });
}

/** Whether the catalogue has `key` (keys built from rule ids, reasons and codes). */
export function hasNiptMessage(locale: Locale, key: string): boolean {
  return Object.hasOwn(NIPT_CATALOGUES[locale], key);
}
