/**
 * The Bind message our named statements send (src/store/pglite-sql.ts) is byte for byte the one
 * PGlite's own protocol serializer builds, followed by Describe, Execute and Sync, for any text
 * parameters: ASCII, Chinese, astral characters, lone surrogates, empty strings, NULLs and values
 * far past the serializer's 256-byte starting buffer.
 */
import fc from 'fast-check';
import { protocol } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { bindDescribeExecuteSync } from '../../src/store/pglite-sql.js';

const { serialize } = protocol;
const reference = (name: string, values: readonly (string | null)[]) => Buffer.concat([
  serialize.bind({ statement: name, values: [...values] }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync(),
]);

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', '羊水指数（AFI）4.6 cm', '\u{1F600}', '\ud800', 'a\udc00b', '"json"'),
  fc.string({ minLength: 300, maxLength: 3000 }),
);

describe('bindDescribeExecuteSync', () => {
  it('is the bytes of PGlite\'s Bind + Describe(P) + Execute + Sync', () => {
    expect(bindDescribeExecuteSync('s', [])).toEqual(reference('s', []));
    expect(bindDescribeExecuteSync('insert_hook_calls_h', ['[{"a":1}]', null, ''])).toEqual(reference('insert_hook_calls_h', ['[{"a":1}]', null, '']));
    fc.assert(fc.property(fc.stringMatching(/^[a-z_]{1,40}$/), fc.array(fc.option(text, { nil: null }), { maxLength: 8 }), (name, values) => {
      expect(bindDescribeExecuteSync(name, values)).toEqual(reference(name, values));
    }), { numRuns: 500 });
  });

  it('writes 10 KB of Chinese JSON in one exactly sized message', () => {
    const big = JSON.stringify({ content: '介入性产前诊断存在少量风险，'.repeat(250) });
    const out = bindDescribeExecuteSync('n', [big]);
    // Length field: itself (4), portal NUL (1), "n" and NUL (2), one format code (2 + 2), the
    // parameter count (2), the parameter's length and bytes (4 + B), no result format codes (2).
    expect(out.readInt32BE(1)).toBe(19 + Buffer.byteLength(big));
    expect(out).toEqual(reference('n', [big]));
  });
});
