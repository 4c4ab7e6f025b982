import { escapeHtml } from './escape.js';

/**
 * Bidirectional isolation of record-derived text (docs/conventions.md#escaping, Unicode UAX #9): a
 * name, display text or free text can carry right-to-left characters or bidi controls — an
 * unterminated RIGHT-TO-LEFT OVERRIDE (U+202E) in a name reversed the rest of the card line ("37"
 * read "73"). Each such string is wrapped in FIRST STRONG ISOLATE (U+2068) … POP DIRECTIONAL ISOLATE
 * (U+2069) where it enters a sentence: whatever it holds, it cannot reorder the text around it, and
 * an override opened inside ends at the PDI. HTML gets `<bdi>` for the same isolates.
 */

export const FSI = '\u2068';
export const PDI = '\u2069';

/** Isolate initiators and PDI: removed from the text isolated, so a stray PDI cannot close our isolate early. */
const ISOLATE_CONTROLS = /[\u2066-\u2069]/g;

/**
 * Characters that can reorder a left-to-right line: right-to-left letters (bidi classes R and AL:
 * Hebrew, Arabic, Syriac, Thaana, N'Ko, …, their presentation forms and the SMP right-to-left
 * blocks), Arabic numbers (AN) and the explicit bidi controls (ALM, LRM, RLM, embeddings, overrides,
 * isolates).
 */
const BIDI_SENSITIVE =
  /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\u{10800}-\u{10fff}\u{1e800}-\u{1efff}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** Whether isolating `text` can change how a left-to-right line around it is displayed. */
export function needsIsolation(text: string): boolean {
  return BIDI_SENSITIVE.test(text);
}

/**
 * Record-derived text as it enters a sentence: FSI + text + PDI when it holds a right-to-left
 * character or a bidi control (its own isolate controls removed); otherwise unchanged — text with
 * neither displays the same isolated or not in a left-to-right line, so ordinary records give the
 * same card text and the same stored notice content (and hash) as before.
 */
export function isolate(text: string): string {
  return needsIsolation(text) ? alwaysIsolate(text) : text;
}

/** FSI + text + PDI whatever the text holds (its own isolate controls removed): for HTML, where it becomes `<bdi>`. */
export function alwaysIsolate(text: string): string {
  return `${FSI}${text.replace(ISOLATE_CONTROLS, '')}${PDI}`;
}

/**
 * Keeps the isolates of `text` balanced: a PDI with no open isolate is removed, and isolates still
 * open at the end are closed. For text cut to a length (a card summary).
 */
export function balanceIsolates(text: string): string {
  let open = 0;
  let out = '';
  for (const ch of text) {
    if (ch === PDI) {
      if (open === 0) continue;
      open -= 1;
    } else if (ch === FSI || ch === '\u2066' || ch === '\u2067') open += 1;
    out += ch;
  }
  return out + PDI.repeat(open);
}

/**
 * Plain text (with the isolates `isolate` made) as HTML element content: HTML-escaped, each
 * FSI … PDI pair as `<bdi>…</bdi>` (balanced first, so the markup always nests).
 */
export function isolatedHtml(text: string): string {
  return escapeHtml(balanceIsolates(text))
    .replace(/[\u2066-\u2068]/g, '<bdi>')
    .replace(/\u2069/g, '</bdi>');
}
