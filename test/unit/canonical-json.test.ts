import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/canonical-json.js';

/**
 * References: the two definitions this module replaced. `sortedEntries` was the store's (feedback
 * dedupe keys are stored, so its output on JSON data must never change); `sortingReplacer` the
 * notice hash's (JSON.stringify semantics for toJSON and undefined).
 */
function sortedEntries(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : sortedEntries(x))).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${sortedEntries(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function sortingReplacer(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}

/** Keys that an object would otherwise order numerically first ("10" before "b", "9" before "10"). */
const key = fc.oneof(fc.string(), fc.constantFrom('0', '9', '10', '01', 'a', 'B', '', 'é', '\u{1F600}', '\ud800'));
const value = fc.letrec((tie) => ({
  any: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('array'), tie('object')),
  leaf: fc.oneof(
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.date({ noInvalidDate: true }),
  ),
  array: fc.array(tie('any'), { maxLength: 5 }),
  object: fc.dictionary(key, tie('any'), { maxKeys: 6 }),
}));

describe('canonicalJson', () => {
  it('is JSON.stringify with keys sorted, and parses back to the same JSON', () => {
    expect(canonicalJson({ b: 1, a: [3, { d: null, c: 'x' }] })).toBe('{"a":[3,{"c":"x","d":null}],"b":1}');
    expect(canonicalJson({ b: undefined, a: [undefined, () => 1, Symbol('s')], f: () => 1 })).toBe('{"a":[null,null,null]}');
    expect(canonicalJson({ t: new Date('2026-11-23T02:00:00Z'), n: [NaN, -0, Infinity, 1e21] })).toBe(
      '{"n":[null,0,null,1e+21],"t":"2026-11-23T02:00:00.000Z"}',
    );
    expect(canonicalJson({ '10': 1, '9': 2, b: 3 })).toBe('{"10":1,"9":2,"b":3}');
    expect(canonicalJson('\ud800"')).toBe(JSON.stringify('\ud800"'));
    expect(canonicalJson(undefined)).toBeUndefined();
    expect(() => canonicalJson({ big: 1n })).toThrow(TypeError);
  });

  it("equals the store's former definition on every JSON value (stored dedupe keys stay valid)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        expect(canonicalJson(v)).toBe(sortedEntries(v));
      }),
      { numRuns: 1000 },
    );
  });

  it("equals the notice hash's former definition wherever no key is an array index", () => {
    const noIndexKeys = value.any.filter((v) => !JSON.stringify(v ?? null).match(/"(0|[1-9]\d*)":/));
    fc.assert(
      fc.property(noIndexKeys, (v) => {
        expect(canonicalJson(v)).toBe(sortingReplacer(v));
      }),
      { numRuns: 1000 },
    );
  });

  it("does not depend on key order, and parses back to the value's JSON", () => {
    fc.assert(
      fc.property(value.object, (o) => {
        const reversed = Object.fromEntries(Object.entries(o).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(o));
        expect(JSON.parse(canonicalJson(o))).toEqual(JSON.parse(JSON.stringify(o)));
      }),
      { numRuns: 500 },
    );
  });
});
