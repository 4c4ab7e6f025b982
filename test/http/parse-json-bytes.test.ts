import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { MAX_NESTING_DEPTH, nestingDepth, parseJsonBytes } from '../../src/http/read-json-body.js';
import { normaliseRequestText, type TextLimits } from '../../src/http/text-boundary.js';
import { generateCorpus } from '../corpus/generate.js';
import { paddedRequest, SERVICE_IDS } from '../bench/lib/records.js';

/**
 * parseJsonBytes reads valid UTF-8 without `\u` escapes one byte a character and decodes only the
 * strings and member names that hold bytes ≥ 0x80 (src/http/read-json-body.ts). The reference is the
 * whole-body reading it replaced: the fatal TextDecoder (which drops one leading BOM), a second BOM
 * dropped, JSON.parse, the depth bound, normaliseRequestText. Both must give the same value (same
 * members in the same order) or the same refusal.
 */
type Outcome = { value: string; keys: string } | { code: string; details: unknown };

function outcome(read: () => unknown): Outcome {
  try {
    const v = read();
    return { value: JSON.stringify(v), keys: JSON.stringify(keyOrder(v)) };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { code: e.code, details: e.details };
  }
}

/** Member names in enumeration order, all the way down (JSON.stringify shows values, this the shape too). */
function keyOrder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(keyOrder);
  if (v === null || typeof v !== 'object') return typeof v;
  return Object.keys(v).map((k) => [k, keyOrder((v as Record<string, unknown>)[k])]);
}

function reference(bytes: Uint8Array, limits: TextLimits): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('malformed-json', [{ message: 'body is not valid UTF-8' }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    throw new AppError('malformed-json');
  }
  if (nestingDepth(value, MAX_NESTING_DEPTH) > MAX_NESTING_DEPTH) {
    throw new AppError('invalid-request', [{ message: `JSON nested deeper than ${MAX_NESTING_DEPTH} levels` }]);
  }
  return normaliseRequestText(value, limits);
}

function same(bytes: Buffer, limits: TextLimits): Outcome {
  const ours = outcome(() => parseJsonBytes(bytes, limits));
  expect(ours).toEqual(outcome(() => reference(bytes, limits)));
  return ours;
}

const DEFAULT: TextLimits = { maxStringLength: 8192, maxNarrativeLength: 1_048_576 };
/** Small caps, so that a string's bytes (latin1 length) and its UTF-16 length fall on either side of one. */
const SMALL: TextLimits = { maxStringLength: 6, maxNarrativeLength: 12 };

/** Characters at UTF-8's and this reading's edges: ASCII, U+0080–U+00FF (one byte in latin1, two in UTF-8), CJK, astral, BOM, U+2028, quote and backslash, NUL and a lone surrogate (escaped by JSON.stringify). */
const CHARS = [
  'a',
  'Z',
  '0',
  ' ',
  '"',
  '\\',
  'u',
  '\u0080',
  'é',
  '\u00ff',
  '×',
  '\u00a0',
  '张',
  '丽',
  '羊',
  '😀',
  '\ufeff',
  '\u2028',
  '\u0000',
  '\ud800',
  '\udc00',
];
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 9 }).map((cs) => cs.join(''));
const KEYS = ['id', 'code', 'div', 'value', 'text', '__proto__', 'données', '名称', 'x\u00e9', '1', 'µ'];
const key = fc.oneof(fc.constantFrom(...KEYS), text);
const json = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.integer(),
    fc.constantFrom(null, true, false),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.array(fc.tuple(key, tie('node')), { maxLength: 4 }).map((members) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of members) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
      return o;
    }),
  ),
})).node;

/** How a sender writes non-ASCII: raw UTF-8, or escaped (`ensure_ascii`), one character in three, or a `\\u` inside a string. */
function escapeSome(s: string, every: number): string {
  let i = 0;
  return s.replace(/[\u0080-\uffff]/g, (c) => (++i % every === 0 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c));
}

const BOM = [0xef, 0xbb, 0xbf];
const bodies = fc
  .tuple(json, fc.constantFrom(0, 1, 3), fc.nat(2), fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { freq: 4 }))
  .map(([value, every, boms, corrupt]) => {
    const t = every === 0 ? JSON.stringify(value) : escapeSome(JSON.stringify(value), every);
    const b = Buffer.concat([Buffer.from(Array.from({ length: boms }, () => BOM).flat()), Buffer.from(t ?? 'null')]);
    if (corrupt && b.length > 0) b[corrupt[0] % b.length] = corrupt[1];
    return b;
  });

describe('parseJsonBytes ≡ decoding the whole body (docs/design.md#text-boundary)', () => {
  it('same value, same member order or same refusal on drawn bodies: non-ASCII strings and names, escapes, BOMs, corrupted bytes, small caps', () => {
    // The byte reading's cases (non-ASCII, no `\\u`) must be many, both read and refused.
    const seen = { value: 0, refused: 0, bytesValue: 0, bytesRefused: 0 };
    fc.assert(
      fc.property(bodies, fc.boolean(), (b, small) => {
        const o = same(b, small ? SMALL : DEFAULT);
        const asBytes = !b.every((x) => x < 0x80) && !b.includes('\\u');
        const got = 'value' in o ? 'value' : 'refused';
        seen[got] += 1;
        if (asBytes) seen[got === 'value' ? 'bytesValue' : 'bytesRefused'] += 1;
      }),
      { numRuns: 8000, seed: 20261207 },
    );
    expect(seen.value).toBeGreaterThan(1000);
    expect(seen.refused).toBeGreaterThan(1000);
    expect(seen.bytesValue).toBeGreaterThan(500);
    expect(seen.bytesRefused).toBeGreaterThan(500);
  });

  it('UTF-8 validity exactly as the fatal TextDecoder: encoded surrogates, overlong forms, truncation, stray bytes', () => {
    const PIECES = [
      [0xef, 0xbb, 0xbf],
      [0xe5, 0xbc, 0xa0],
      [0xf0, 0x9f, 0x98, 0x80],
      [0xed, 0xa0, 0x80],
      [0xc0, 0xaf],
      [0xe5, 0xbc],
      [0xf4, 0x90, 0x80, 0x80],
      [0x22],
      [0x5c, 0x75],
      [0xc3, 0xa9],
      [0xff],
    ];
    const strings = fc
      .array(fc.oneof(fc.constantFrom(...PIECES), fc.array(fc.integer({ min: 0x20, max: 255 }), { maxLength: 4 })), { maxLength: 8 })
      .map((runs) => Buffer.concat([Buffer.from('{"a":"'), Buffer.from(runs.flat()), Buffer.from('"}')]));
    fc.assert(
      fc.property(strings, fc.boolean(), (b, small) => void same(b, small ? SMALL : DEFAULT)),
      { numRuns: 5000, seed: 7 },
    );
  });

  it('realistic records: the examples, every record of the EHR corpus and the benchmark records (32 KB and 570 KB)', () => {
    const dir = new URL('../../cds-hooks/examples/', import.meta.url);
    const bodies: Buffer[] = readdirSync(dir).map((f) => readFileSync(new URL(f, dir)));
    for (const r of generateCorpus(20261207, 1)) bodies.push(Buffer.from(JSON.stringify(r.bundle)));
    for (const id of SERVICE_IDS) bodies.push(Buffer.from(JSON.stringify(paddedRequest(id, 30))));
    bodies.push(Buffer.from(JSON.stringify(paddedRequest('prenatal-diagnosis-referral', 1000))));
    for (const b of bodies) expect('value' in same(b, DEFAULT)).toBe(true);
    expect(bodies.filter((b) => !b.every((x) => x < 0x80)).length).toBeGreaterThan(10);
  });

  it('examples: Chinese text within its cap by characters though not by bytes, a Chinese member name, an escape keeps its character, BOMs', () => {
    const limits = { maxStringLength: 6, maxNarrativeLength: 8 };
    expect(parseJsonBytes(Buffer.from('{"family":"欧阳丽丽","given":["丽丽"]}'), limits)).toEqual({ family: '欧阳丽丽', given: ['丽丽'] });
    expect(outcome(() => parseJsonBytes(Buffer.from('{"family":"欧阳娜娜娜娜娜"}'), limits))).toEqual({
      code: 'invalid-request',
      details: [{ path: 'family', message: 'longer than 6 characters' }],
    });
    expect(parseJsonBytes(Buffer.from('"张丽"'), limits)).toBe('张丽');
    expect(Object.keys(parseJsonBytes(Buffer.from('{"b":1,"名称":"羊水","a":2}'), DEFAULT) as object)).toEqual(['b', '名称', 'a']);
    expect(parseJsonBytes(Buffer.from('{"a":"\\u00e9","b":"é"}'), DEFAULT)).toEqual({ a: 'é', b: 'é' });
    expect(parseJsonBytes(Buffer.from([...BOM, ...BOM, 0x31]), DEFAULT)).toBe(1);
    expect(() => parseJsonBytes(Buffer.from([...BOM, ...BOM, ...BOM, 0x31]), DEFAULT)).toThrow(AppError);
    const proto = parseJsonBytes(Buffer.from('{"__proto__":{"x":1},"é":2}'), DEFAULT) as object;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(['__proto__', 'é']);
  });
});
