import { formatNumber } from '../render/evidence-text.js';
import { isolate } from '../render/isolate.js';
import type { Locale } from '../render/messages.js';
import type { Finding } from '../engine/rule.js';
import { hasNiptMessage, niptMessage } from './messages.js';

/**
 * A NIPT reason finding in plain language, per locale, built from its `params` only. Plain text:
 * callers escape the result for markdown (record-derived values such as organization ids pass
 * through here unescaped).
 */

/** Short label of a NIPT reason (summary, lists); the rule id itself when the catalogue lacks it. */
export function reasonLabel(rule: string, locale: Locale): string {
  const key = `reason.${rule}.label`;
  return hasNiptMessage(locale, key) ? niptMessage(locale, key) : rule;
}

/** A word whose key comes from data (kind, test, parent): the raw code when the catalogue lacks it. */
function word(locale: Locale, prefix: string, code: unknown): string {
  const key = `${prefix}.${String(code)}`;
  return hasNiptMessage(locale, key) ? niptMessage(locale, key) : isolate(String(code ?? '?'));
}

function list(locale: Locale, prefix: string, codes: unknown): string {
  const arr = Array.isArray(codes) ? codes : [];
  return arr.length === 0 ? '—' : arr.map((c) => word(locale, prefix, c)).join(niptMessage(locale, 'list.separator'));
}

function num(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? formatNumber(v) : '—';
}

/** A record-derived string, isolated (docs/design.md#bidi-isolation). */
function str(v: unknown): string {
  return typeof v === 'string' && v !== '' ? isolate(v) : '—';
}

/** Placeholder values any explanation may use (unused ones are ignored by the formatter). */
function values(f: Finding, locale: Locale): Record<string, string> {
  const p = f.params;
  const window = (p['window'] ?? {}) as Record<string, unknown>;
  return {
    ga: str(p['ga']),
    limit: typeof p['limit'] === 'number' ? num(p['limit']) : str(p['limit']),
    min: str(window['min']),
    max: str(window['max']),
    parents: list(locale, 'parent', p['parents']),
    kinds: list(locale, 'kind', p['kinds']),
    daysAgo: num(p['daysAgo']),
    windowDays: num(p['windowDays']),
    age: num(p['ageYears']),
    threshold: num(p['threshold']),
    bmi: num(p['bmi']),
    test: word(locale, 'test', p['test']),
    risk: num(p['riskN']),
    cutoff: num(p['cutoffN']),
    lower: num(p['lowerN']),
    organization: str(p['organizationId']),
  };
}

/** The explanation sentence of a reason finding (reason-specific variant when params name one). */
export function explainFinding(f: Finding, locale: Locale): string {
  const specific = `explain.${f.rule}.${String(f.params['reason'])}`;
  const key = hasNiptMessage(locale, specific) ? specific : `explain.${f.rule}`;
  return hasNiptMessage(locale, key) ? niptMessage(locale, key, values(f, locale)) : reasonLabel(f.rule, locale);
}
