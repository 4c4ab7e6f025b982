import en from '../../cds-hooks/messages/orders.en.json' with { type: 'json' };
import zhCN from '../../cds-hooks/messages/orders.zh-CN.json' with { type: 'json' };
import type { Locale } from '../render/messages.js';

/**
 * Message catalogue of the order-sign cards (`cds-hooks/messages/orders.<locale>.json`): wording
 * per locale; code picks keys and fills `{name}` placeholders. Values are inserted as given;
 * callers escape record-derived values for markdown before formatting.
 */
export type OrderMessageKey = keyof typeof zhCN;
export type OrderLocale = Locale;

export const ORDER_CATALOGUES: Readonly<Record<OrderLocale, Readonly<Record<OrderMessageKey, string>>>> = Object.freeze({
  'zh-CN': zhCN,
  en,
});

const PLACEHOLDER = /\{(\w+)\}/g;

/** Formats `key` of `locale`; a missing placeholder value is a caller bug and throws. */
export function orderMessage(locale: OrderLocale, key: OrderMessageKey | string, values: Readonly<Record<string, string | number>> = {}): string {
  const cat = ORDER_CATALOGUES[locale] as Readonly<Record<string, string>>;
  const template = cat[key];
  if (template === undefined) throw new Error(`order message ${key} (${locale}) not found`);
  return template.replace(PLACEHOLDER, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`order message ${key} (${locale}): no value for {${name}}`);
    return String(v);
  });
}

/** Whether the catalogue has `key` (keys built from rule ids and reasons). */
export function hasOrderMessage(locale: OrderLocale, key: string): boolean {
  return Object.hasOwn(ORDER_CATALOGUES[locale], key);
}
