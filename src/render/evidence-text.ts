import type { CodeRef, EvidenceItem } from '../clinical/finding-params.js';
import { isolate } from './isolate.js';
import { lookupMessage, message, type Locale } from './messages.js';

/**
 * Plain-text lines describing the evidence of a finding (what, value, date, reference), per locale.
 * Display texts and free text are patient-derived: each is isolated where it enters the line
 * (src/render/isolate.ts), and the result must be escaped for the target format.
 */

/** Shows a measurement without floating-point noise (at most 2 decimals). */
export function formatNumber(n: number): string {
  return Number.isFinite(n) ? String(Math.round(n * 100) / 100) : '?';
}

/** A FHIR date or dateTime as a calendar date (YYYY-MM-DD, or the partial date as given). */
export function formatDate(date: string): string {
  return /^\d{4}-\d{2}-\d{2}T/.test(date) ? date.slice(0, 10) : date;
}

/** The relationship of a family member in the locale's words, else its display or code. */
export function relationshipText(rel: CodeRef, locale: Locale): string {
  return lookupMessage(locale, `relationship.${rel.code}`) ?? isolate(rel.display ?? rel.code);
}

/**
 * A fetus as the record names it (docs/rules.md#per-fetus): a designation ("A", "2", "乙") in the
 * locale's words (胎儿A, Fetus A), anything else as written.
 */
export function fetusText(fetus: string, locale: Locale): string {
  return /^(?:[A-Z]|\d{1,2}|[一二三四甲乙丙丁])$/u.test(fetus) ? message(locale, 'evidence.fetus.id', { id: fetus }) : isolate(fetus);
}

type Item = EvidenceItem & { readonly relationship?: CodeRef };

/** One evidence item as a line of plain text. */
export function evidenceLine(item: Item, locale: Locale): string {
  const parts: string[] = [];
  if (item.relationship)
    parts.push(message(locale, 'evidence.relationship', { relationship: relationshipText(item.relationship, locale) }));
  if (typeof item.fetus === 'string' && item.fetus !== '')
    parts.push(message(locale, 'evidence.fetus', { fetus: fetusText(item.fetus, locale) }));
  const names = [...new Set([item.code?.display, item.text].filter((s): s is string => !!s && s.trim() !== ''))];
  const what = (names.length ? names : [item.code?.code ?? '']).map(isolate).join(' — ');
  parts.push(what);
  if (typeof item.value === 'number')
    parts.push(message(locale, 'evidence.value', { value: formatNumber(item.value), unit: isolate(item.unit ?? '') }).trimEnd());
  if (item.date) parts.push(message(locale, 'evidence.date', { date: formatDate(item.date) }));
  parts.push(message(locale, 'evidence.reference', { reference: isolate(item.reference ?? '?') }));
  return parts.join('').trim();
}

/** Evidence lines of a finding: its params' items, else its bare references. */
export function evidenceLines(params: Readonly<Record<string, unknown>>, references: readonly string[], locale: Locale): string[] {
  const items = Array.isArray(params['items'])
    ? (params['items'] as readonly (Item | null)[]).filter((i): i is Item => !!i && typeof i === 'object')
    : [];
  if (items.length) return items.map((it) => evidenceLine(it, locale));
  return references.map((reference) => message(locale, 'evidence.reference', { reference: isolate(reference) }).trim());
}
