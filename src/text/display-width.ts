/**
 * Width of text in a terminal's columns (docs/design.md#cli-output): East Asian Wide and Fullwidth
 * characters (汉字, kana, Hangul, full-width forms such as （）and ＝, emoji) take two columns,
 * combining marks, format characters (zero-width joiner, bidi isolates) and controls none, the
 * rest one. Counted per grapheme (Intl.Segmenter), so 👩‍⚕️ is one wide character, é (e + ◌́) one
 * narrow one. `String.prototype.padEnd` counts UTF-16 units, which misaligns a table of Chinese
 * names; these pad by columns.
 */

/** Code point ranges of East_Asian_Width W and F (Unicode 15, UAX #11), without the emoji ones. */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2329, 0x232a],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x16fe4],
  [0x17000, 0x18cd5],
  [0x1b000, 0x1b2fb],
  [0x1f200, 0x1f2ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

const ZERO = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]$/u;
const EMOJI = /\p{Emoji_Presentation}|\uFE0F/u;
const segmenter = new Intl.Segmenter('und', { granularity: 'grapheme' });

function isWide(cp: number): boolean {
  for (const [lo, hi] of WIDE) {
    if (cp < lo) return false;
    if (cp <= hi) return true;
  }
  return false;
}

function graphemeWidth(g: string): number {
  if (EMOJI.test(g) && /\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(g)) return 2;
  for (const ch of g) {
    if (ZERO.test(ch)) continue;
    return isWide(ch.codePointAt(0)!) ? 2 : 1;
  }
  return 0;
}

/** Columns `text` takes in a terminal. */
export function displayWidth(text: string): number {
  // Fast path: printable ASCII is one column a character.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let width = 0;
  for (const { segment } of segmenter.segment(text)) width += graphemeWidth(segment);
  return width;
}

/** `text` followed by spaces up to `width` columns. */
export function padEndColumns(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** Spaces, then `text`, up to `width` columns. */
export function padStartColumns(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}
