import zhCN from '../../cds-hooks/messages/zh-CN.json' with { type: 'json' };
import en from '../../cds-hooks/messages/en.json' with { type: 'json' };

/**
 * Message catalogues of cards and notices (`cds-hooks/messages/<locale>.json`): wording lives there,
 * per locale; code only picks keys and fills named placeholders (`{name}`). zh-CN is the default.
 * A test keeps both catalogues at the same keys and the same placeholders per key.
 *
 * Messages are plain text. Values are inserted unescaped; callers escape the finished text for
 * the target format (see escape.ts), so a placeholder value can never break out of markup.
 */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

export type MessageKey = keyof typeof zhCN;
export type MessageValues = Readonly<Record<string, string | number>>;

/** The catalogues, checked at compile time to have the zh-CN keys. */
export const CATALOGUES: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = Object.freeze({
  'zh-CN': zhCN,
  en,
});

const PLACEHOLDER = /\{(\w+)\}/g;

/** Names of the placeholders of a message template, in order of appearance (deduplicated). */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** A template split at its placeholders: literal text, and `{ name }` where a value goes. */
type Parts = readonly (string | { readonly name: string })[];

function compile(template: string): string | Parts {
  const parts: (string | { name: string })[] = [];
  let at = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (m.index > at) parts.push(template.slice(at, m.index));
    parts.push({ name: m[1]! });
    at = m.index + m[0].length;
  }
  if (parts.length === 0) return template;
  if (at < template.length) parts.push(template.slice(at));
  return parts;
}

/** A message catalogue: per-locale templates with `{name}` placeholders. */
export interface Catalogue<K extends string> {
  /** Formats `key`; a missing key or placeholder value is a bug in the caller and throws. */
  message(locale: Locale, key: K, values?: MessageValues): string;
  /** Whether the catalogue has `key` (keys built from data: rule ids, reasons, codes). */
  has(locale: Locale, key: string): boolean;
}

/**
 * The one message formatter of every card and notice: each template is split at its placeholders
 * once, on first use; values are inserted as given (callers escape for the target format).
 */
export function catalogue<K extends string>(name: string, templates: Readonly<Record<Locale, Readonly<Record<K, string>>>>): Catalogue<K> {
  const compiled: Record<Locale, Map<string, string | Parts>> = { 'zh-CN': new Map(), en: new Map() };
  return {
    message(locale, key, values = {}) {
      const byKey = compiled[locale];
      let parts = byKey.get(key);
      if (parts === undefined) {
        if (!Object.hasOwn(templates[locale], key)) throw new Error(`${name} message ${key} (${locale}): no such message`);
        byKey.set(key, (parts = compile(templates[locale][key])));
      }
      if (typeof parts === 'string') return parts;
      let out = '';
      for (const part of parts) {
        if (typeof part === 'string') {
          out += part;
          continue;
        }
        const v = values[part.name];
        if (v === undefined) throw new Error(`${name} message ${key} (${locale}): no value for {${part.name}}`);
        out += String(v);
      }
      return out;
    },
    has: (locale, key) => Object.hasOwn(templates[locale], key),
  };
}

const CARDS = catalogue<MessageKey>('card', CATALOGUES);

/** Formats message `key` of `locale` (the referral card and notice catalogue). */
export function message(locale: Locale, key: MessageKey, values: MessageValues = {}): string {
  return CARDS.message(locale, key, values);
}

/** Looks up a message whose key is data (e.g. a relationship code); `undefined` when absent. */
export function lookupMessage(locale: Locale, key: string): string | undefined {
  const cat = CATALOGUES[locale] as Readonly<Record<string, string>>;
  return Object.hasOwn(cat, key) ? cat[key] : undefined;
}

/** A translator bound to one locale. */
export type Translate = (key: MessageKey, values?: MessageValues) => string;

export function translator(locale: Locale): Translate {
  return (key, values) => message(locale, key, values);
}
