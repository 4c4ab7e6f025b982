import en from '../../../cds-hooks/messages/art27.en.json' with { type: 'json' };
import zhCN from '../../../cds-hooks/messages/art27.zh-CN.json' with { type: 'json' };
import { catalogue, type Locale, type MessageValues } from '../../render/messages.js';

/**
 * Message catalogue of the Art. 27 notice and its card (`cds-hooks/messages/art27.<locale>.json`,
 * keys `notice.art27.*` and `card.art27.*`), formatted by the one formatter of src/render/messages.ts.
 * Callers escape the finished text for its format.
 */
export type Art27MessageKey = keyof typeof zhCN;

export const ART27_CATALOGUES: Readonly<Record<Locale, Readonly<Record<Art27MessageKey, string>>>> = Object.freeze({ 'zh-CN': zhCN, en });

const ART27 = catalogue<Art27MessageKey>('art27', ART27_CATALOGUES);

/** Formats `key` of `locale`; a missing key or placeholder value is a caller bug and throws. */
export function art27Message(locale: Locale, key: Art27MessageKey, values: MessageValues = {}): string {
  return ART27.message(locale, key, values);
}
