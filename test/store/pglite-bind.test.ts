import { protocol } from '@electric-sql/pglite';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bindMessage, type BindValue } from '../../src/store/pglite-bind.js';

const TAIL = Buffer.concat([protocol.serialize.describe({ type: 'P' }), protocol.serialize.execute({}), protocol.serialize.sync()]);

/** What the adapter sent before: PGlite's own serializer, then the tail. */
const pglite = (statement: string, values: BindValue[]) => Buffer.concat([protocol.serialize.bind({ statement, values }), TAIL]);

// Well-formed text of every plane: ASCII, Chinese, the 10 KB notice sizes, astral characters
// (surrogate pairs), NUL-free as PostgreSQL text requires (a NUL is refused by the server, not here).
const text = fc.string({
  unit: fc.oneof(fc.constantFrom('a', '"', '\\', '{', ' '), fc.constantFrom('产', '诊', '断', '·'), fc.constantFrom('😀', '𠀀')),
  maxLength: 300,
});
const bytes = fc.uint8Array({ maxLength: 64 });
const value: fc.Arbitrary<BindValue> = fc.oneof(
  text,
  fc.constant(null),
  bytes,
  bytes.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
);

describe('bindMessage', () => {
  it('writes the bytes PGlite’s serializer writes, then the tail', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9_-]{0,40}$/), fc.array(value, { maxLength: 20 }), (statement, values) => {
        expect(bindMessage(statement, values, TAIL)).toEqual(pglite(statement, values));
      }),
      { numRuns: 500 },
    );
  });

  it('writes a referral write’s parameters: long JSON and notice text, a NULL among them', () => {
    const json = JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ id: `f-${i}`, rule: 'PD-AGE-01', evidence: '孕妇年龄≥35周岁' })));
    const notice = '产前诊断书面告知书（杭州市示例妇幼保健院）\n'.repeat(250);
    const values = [json, null, notice, ''];
    const mine = bindMessage('hook-call-write-3', values, TAIL);
    expect(mine).toEqual(pglite('hook-call-write-3', values));
    expect(mine.readInt32BE(1)).toBe(mine.length - TAIL.length - 1); // the length counts itself, not the code
  });

  it('encodes a lone surrogate as U+FFFD and counts its three bytes (PGlite’s own count can be one short)', () => {
    const v = 'é\udc00';
    const out = bindMessage('s', [v], Buffer.alloc(0));
    const at = 1 + 4 + 1 + 2 + 2 + 2 + 2; // code, length, portal, "s\0", format count, one format, value count
    expect(out.readInt32BE(at)).toBe(5);
    expect(out.subarray(at + 4, at + 9)).toEqual(Buffer.from('é\ufffd', 'utf8'));
  });
});
