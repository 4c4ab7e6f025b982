import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../src/deep-freeze.js';
import { nestingDepth } from '../../src/http/read-json-body.js';

/** Reference: the plain recursive definition (objects and arrays count one level each). */
function depthRef(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
  return 1 + Math.max(0, ...children.map(depthRef));
}

/** `levels` nested arrays (or objects), built iteratively. */
function nested(levels: number, kind: 'array' | 'object'): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i += 1) v = kind === 'array' ? [v] : { a: v };
  return v;
}

describe('nestingDepth', () => {
  it('is 0 for scalars and counts every object and array level', () => {
    expect([null, 1, 'x', true].map((v) => nestingDepth(v, 128))).toEqual([0, 0, 0, 0]);
    expect(nestingDepth({}, 128)).toBe(1);
    expect(nestingDepth([[], { a: [{ b: 1 }] }], 128)).toBe(4);
  });

  it('equals the recursive definition on generated JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), (v) => {
        expect(nestingDepth(v, 1000)).toBe(depthRef(v));
      }),
      { numRuns: 500 },
    );
  });

  it('stops past the cap (> cap), whatever the true depth, without recursion', () => {
    expect(nestingDepth(nested(128, 'array'), 128)).toBe(128);
    expect(nestingDepth(nested(129, 'object'), 128)).toBe(129);
    expect(nestingDepth(nested(200_000, 'array'), 128)).toBe(129);
  });
});

describe('deepFreeze', () => {
  it('freezes every object and array of the graph and returns the same value', () => {
    const v = { a: [{ b: { c: [1, { d: 2 }] } }], e: 'x' };
    expect(deepFreeze(v)).toBe(v);
    const seen: unknown[] = [];
    const walk = (x: unknown): void => {
      if (x === null || typeof x !== 'object') return;
      seen.push(x);
      for (const c of Object.values(x as Record<string, unknown>)) walk(c);
    };
    walk(v);
    expect(seen).toHaveLength(6);
    expect(seen.every((x) => Object.isFrozen(x))).toBe(true);
  });

  it('handles a 200,000-level document without overflowing the stack', () => {
    const v = nested(200_000, 'object') as { a: unknown };
    deepFreeze(v);
    let x: unknown = v;
    let frozen = 0;
    for (let i = 0; i < 200_000; i += 1) {
      if (Object.isFrozen(x)) frozen += 1;
      x = (x as { a: unknown }).a;
    }
    expect(frozen).toBe(200_000);
  });

  it('leaves non-enumerable members and the prototype alone', () => {
    const hidden = { h: 1 };
    const v = Object.defineProperty({ shown: { s: 1 } }, 'hidden', { value: hidden, enumerable: false });
    deepFreeze(v);
    expect(Object.isFrozen(v.shown)).toBe(true);
    expect(Object.isFrozen(hidden)).toBe(false);
    expect(Object.isFrozen(Object.prototype)).toBe(false);
  });

  it('leaves inherited enumerable members alone (own keys only, as Object.keys)', () => {
    const inherited = { i: 1 };
    const v = Object.assign(Object.create({ inherited }) as { own?: unknown }, { own: { o: 1 } });
    deepFreeze(v);
    expect(Object.isFrozen(v.own)).toBe(true);
    expect(Object.isFrozen(inherited)).toBe(false);
    expect(nestingDepth(v, 128)).toBe(2);
    expect(nestingDepth(Object.create({ deep: { a: { b: {} } } }), 128)).toBe(1);
  });
});
