import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Text } from '../../src/http/read-json-body.js';

/** The body's bytes as text: exactly what the fatal TextDecoder gave (docs: src/http/read-json-body.ts). */
const reference = (bytes: Uint8Array): string | undefined => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
};

/** Byte runs that exercise UTF-8's edges: BOMs, CJK, astral, surrogates encoded, overlong forms, truncation. */
const PIECES = [
  [0xef, 0xbb, 0xbf],
  [0xe5, 0xbc, 0xa0],
  [0xf0, 0x9f, 0x98, 0x80],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
  [0xe5, 0xbc],
  [0xf4, 0x90, 0x80, 0x80],
  [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d],
  [0x00],
  [0xff],
];
const bytes = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 })), { maxLength: 12 })
  .map((runs) => Buffer.from(runs.flat()));

describe('utf8Text', () => {
  it('accepts and decodes exactly what TextDecoder (fatal) does, a leading BOM dropped', () => {
    fc.assert(
      fc.property(bytes, (b) => {
        expect(utf8Text(b)).toBe(reference(b));
      }),
      { numRuns: 5000 },
    );
  });

  it('examples: 张丽, one BOM dropped (a second kept), an encoded surrogate and an overlong slash refused', () => {
    expect(utf8Text(Buffer.from('{"name":"张丽"}'))).toBe('{"name":"张丽"}');
    expect(utf8Text(Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x31]))).toBe('\ufeff1');
    expect(utf8Text(Buffer.from([0xed, 0xa0, 0x80]))).toBeUndefined();
    expect(utf8Text(Buffer.from([0xc0, 0xaf]))).toBeUndefined();
  });
});
