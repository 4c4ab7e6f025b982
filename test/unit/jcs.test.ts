import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, jcs, jcsMembers, jcsOfMembers } from '../../src/canonical-json.js';
import { hashNoticeContent } from '../../src/referral/notice/content.js';

/** RFC 8785 (JSON Canonicalization Scheme) test vectors: the notice content hash input. */
const ieee = (hex: string): number => Buffer.from(hex, 'hex').readDoubleBE(0);

describe('jcs (RFC 8785)', () => {
  it('§3.2.2 example: literals, numbers and string escapes', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as unknown;
    expect(jcs(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('§3.2.3 example: member names sorted by UTF-16 code units', () => {
    const input = JSON.parse(
      '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control", "\\u00f6": "Latin Small Letter O With Diaeresis"}',
    ) as Record<string, string>;
    const values = jcs(input)
      .match(/:"([^"]+)"/g)!
      .map((m) => m.slice(2, -1));
    expect(values).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });

  it('Appendix B: number serialisation', () => {
    const vectors: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [hex, text] of vectors) expect(jcs([ieee(hex)]), hex).toBe(`[${text}]`);
  });

  it('refuses what JCS does not allow: NaN, Infinity, lone surrogates, bigint', () => {
    expect(() => jcs({ a: ieee('7fffffffffffffff') })).toThrow(/\$\.a is not a finite number/);
    expect(() => jcs([ieee('7ff0000000000000')])).toThrow(/not a finite number/);
    expect(() => jcs({ s: 'a\ud800b' })).toThrow(/lone surrogate/);
    expect(() => jcs({ ['\udc00']: 1 })).toThrow(/lone surrogate/);
    expect(() => jcs({ n: 1n })).toThrow(/bigint/);
    expect(jcs({ e: '😀' })).toBe('{"e":"😀"}');
  });

  it('equals canonicalJson for JSON data, and a stored notice hash is SHA-256 of its JCS text', () => {
    const content = { b: [1, 2.5, 'x'], a: { z: null, y: true }, 中: '文' };
    expect(jcs(content)).toBe(canonicalJson(content));
    expect(hashNoticeContent(content)).toBe(createHash('sha256').update(jcs(content), 'utf8').digest('hex'));
    expect(hashNoticeContent({ a: 1, u: undefined })).toBe(hashNoticeContent({ a: 1 }));
  });

  it('jcsOfMembers(jcsMembers(o)) is jcs(o) for any JSON object, and refuses what jcs refuses with the same words', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('10', '9', 'é', '\u{1F600}')), fc.jsonValue()), (o) => {
        expect(jcsOfMembers(jcsMembers(o))).toBe(jcs(o));
      }),
    );
    expect(jcsOfMembers(jcsMembers({ a: 1, u: undefined, f: () => 1 }))).toBe('{"a":1}');
    expect(() => jcsMembers({ deep: [{ x: ieee('7ff0000000000000') }] })).toThrow(/\$\.deep\[0\]\.x is not a finite number/);
    expect(() => jcs({ deep: { s: 'a\udc00' } })).toThrow(/\$\.deep\.s holds a lone surrogate/);
  });
});
