import { describe, expect, it } from 'vitest';
import { REFERRAL_RULE_IDS } from '../../src/engine/rule-ids.js';
import { CATALOGUES, LOCALES, message, placeholdersOf, type MessageKey } from '../../src/render/messages.js';

describe('message catalogues (cds-hooks/messages)', () => {
  const zh = CATALOGUES['zh-CN'];
  const en = CATALOGUES.en;

  it('zh-CN and en have the same keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
  });

  it.each(Object.keys(zh) as MessageKey[])('%s has the same placeholders in both locales', (key) => {
    expect(placeholdersOf(en[key]).sort()).toEqual(placeholdersOf(zh[key]).sort());
  });

  it('every message is non-empty and free of markup characters (escaping happens at render time)', () => {
    for (const l of LOCALES) {
      for (const [key, text] of Object.entries(CATALOGUES[l])) {
        expect(text.trim(), `${l} ${key}`).not.toBe('');
        expect(text, `${l} ${key}`).not.toMatch(/[<>&]/);
      }
    }
  });

  it('has a label for every referral rule id in both locales', () => {
    for (const l of LOCALES) for (const r of REFERRAL_RULE_IDS) expect(message(l, `rule.${r}.label`)).not.toBe('');
  });

  it('zh-CN is clinical Chinese', () => {
    expect(message('zh-CN', 'notice.title')).toBe('产前诊断书面告知书');
    expect(message('zh-CN', 'link.notice')).toBe('打印书面告知书');
    expect(message('en', 'link.notice')).toBe('Print written notice');
  });

  it('fills named placeholders and throws on a missing value (a caller bug)', () => {
    expect(message('zh-CN', 'age.years', { age: 36 })).toBe('36周岁');
    expect(message('en', 'age.years', { age: 36 })).toBe('36 years');
    expect(() => message('en', 'age.years')).toThrow(/age\.years.*\{age\}/);
  });

  it('formats every message of both catalogues as a plain replace of its placeholders would, twice over (compiled once)', () => {
    for (const l of LOCALES) {
      for (const [key, template] of Object.entries(CATALOGUES[l]) as [MessageKey, string][]) {
        const values = Object.fromEntries(placeholdersOf(template).map((name, i) => [name, i % 2 ? `«${name}$&$1»` : i * 7]));
        const expected = template.replace(/\{(\w+)\}/g, (_m, name: string) => String(values[name]));
        expect(message(l, key, values), `${l} ${key}`).toBe(expected);
        expect(message(l, key, values), `${l} ${key}`).toBe(expected);
        if (placeholdersOf(template).length > 0) expect(() => message(l, key, {}), `${l} ${key}`).toThrow(/no value for/);
      }
    }
    expect(() => message('en', 'no.such.key' as MessageKey)).toThrow(/no such message/);
  });
});
