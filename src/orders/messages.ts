import en from '../../cds-hooks/messages/orders.en.json' with { type: 'json' };
import zhCN from '../../cds-hooks/messages/orders.zh-CN.json' with { type: 'json' };
import { catalogue, type Locale, type MessageValues } from '../render/messages.js';

/**
 * Message catalogue of the order-sign cards (`cds-hooks/messages/orders.<locale>.json`), formatted
 * by the one formatter of src/render/messages.ts. Callers escape record-derived values.
 */
export type OrderMessageKey = keyof typeof zhCN;
export type OrderLocale = Locale;

export const ORDER_CATALOGUES: Readonly<Record<OrderLocale, Readonly<Record<OrderMessageKey, string>>>> = Object.freeze({
  'zh-CN': zhCN,
  en,
});

const ORDERS = catalogue<string>('order', ORDER_CATALOGUES);

/** Formats `key` of `locale`; a missing key or placeholder value is a caller bug and throws. */
export function orderMessage(locale: OrderLocale, key: OrderMessageKey | string, values: MessageValues = {}): string {
  return ORDERS.message(locale, key, values);
}

/** Whether the catalogue has `key` (keys built from rule ids and reasons). */
export function hasOrderMessage(locale: OrderLocale, key: string): boolean {
  return ORDERS.has(locale, key);
}
