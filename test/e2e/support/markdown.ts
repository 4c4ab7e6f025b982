import { createHash } from 'node:crypto';

/** Markdown text with backslash escapes removed (what a reader sees), to search for plain phrases. */
export function unescapeMarkdown(md: string): string {
  return md.replace(/\\(.)/g, '$1');
}

/** JSON with object keys sorted at every level (independent of src/notice/notice-content.ts). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Han characters (to tell a Chinese text from an English one). */
export const HAN = /\p{Script=Han}/u;
