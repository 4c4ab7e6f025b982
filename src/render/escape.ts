/**
 * Escaping of patient-derived text (names, display texts, free text) at the boundary where it
 * enters markup. Card `detail` is GitHub-flavoured markdown (https://cds-hooks.hl7.org/2.0/#card-attributes);
 * the notice page is HTML. Rendering builds plain-text sentences first and escapes them whole with
 * the function for the target format, so no patient text reaches markup unescaped.
 */

/**
 * ASCII punctuation with a meaning in CommonMark / GFM (emphasis, links, images, headings, lists,
 * tables, strikethrough, code, HTML, entities). CommonMark lets every ASCII punctuation character be
 * backslash-escaped, so escaping a few more than strictly needed is harmless.
 */
const MARKDOWN_SPECIAL = /[\\`*_{}[\]()#+\-.!|<>~&"']/g;

/** C0/C1 control characters other than tab/newline; line breaks are flattened separately. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029]/g;

/**
 * Escapes text for inline use in CDS Hooks markdown: every markdown/HTML metacharacter is
 * backslash-escaped and line breaks become spaces (so patient text cannot start a heading, list,
 * block quote or table row, nor end the list item it sits in).
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(CONTROL, '')
    .replace(/\s*[\r\n\t]+\s*/g, ' ')
    .replace(MARKDOWN_SPECIAL, (c) => `\\${c}`);
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(CONTROL, '').replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}
