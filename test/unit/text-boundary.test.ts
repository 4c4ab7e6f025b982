import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { cleanFreeText, normaliseRequestText } from '../../src/http/text-boundary.js';

/** Parses a body as JSON.parse would receive it from the wire (escapes make the lone surrogates). */
function wire(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

function refusal(body: unknown, limits?: { maxStringLength: number; maxNarrativeLength: number }): { path?: string; message: string } {
  try {
    normaliseRequestText(body, limits);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('invalid-request');
    return (e as AppError).details[0]!;
  }
  throw new Error('not refused');
}

const LIMITS = { maxStringLength: 16, maxNarrativeLength: 64 };

describe('normaliseRequestText (docs/design.md#text-boundary)', () => {
  it('free text: NUL removed, a lone surrogate (high or low) becomes U+FFFD, pairs and CJK kept', () => {
    const body = wire(
      String.raw`{"prefetch":{"patient":{"resourceType":"Patient","id":"p1","name":[{"family":"王\u0000","given":["\ud800丽","\udc00芳"],"text":"😀 王丽"}]}},
        "feedback":[{"overrideReason":{"userComment":"已告知\u0000\udbff"}}]}`,
    );
    const out = normaliseRequestText(body) as typeof body & Record<string, never>;
    expect(JSON.stringify(out)).toBe(
      JSON.stringify({
        prefetch: {
          patient: { resourceType: 'Patient', id: 'p1', name: [{ family: '王', given: ['\uFFFD丽', '\uFFFD芳'], text: '😀 王丽' }] },
        },
        feedback: [{ overrideReason: { userComment: '已告知\uFFFD' } }],
      }),
    );
  });

  it.each([
    [String.raw`{"hookInstance":"d1577c69\u0000"}`, 'hookInstance'],
    [String.raw`{"context":{"patientId":"p\ud800"}}`, 'context.patientId'],
    [String.raw`{"context":{"selections":["MedicationRequest/1","ServiceRequest/\u0000"]}}`, 'context.selections[1]'],
    [
      String.raw`{"prefetch":{"obs":{"entry":[{"resource":{"subject":{"reference":"Patient/\udc00"}}}]}}}`,
      'prefetch.obs.entry[0].resource.subject.reference',
    ],
    [String.raw`{"feedback":[{"card":"8b0c6a2e\u0000"}]}`, 'feedback[0].card'],
    [String.raw`{"feedback":[{"overrideReason":{"reason":{"code":"declined\u0000"}}}]}`, 'feedback[0].overrideReason.reason.code'],
  ])('an identifier with NUL or a lone surrogate is refused, never repaired: %s', (text, path) => {
    expect(refusal(wire(text))).toEqual({ path, message: expect.stringMatching(/identifier/) });
  });

  it('a member name with NUL or a lone surrogate is refused', () => {
    expect(refusal(wire(String.raw`{"extension":{"a\u0000b":1}}`)).path).toBe('extension.ab');
    expect(refusal(wire(String.raw`{"extension":{"\ud800":1}}`)).path).toBe('extension.\uFFFD');
  });

  it('caps strings, member names and the long-text members, naming the path', () => {
    expect(normaliseRequestText({ a: 'x'.repeat(16) }, LIMITS)).toEqual({ a: 'x'.repeat(16) });
    expect(refusal({ prefetch: { patient: { name: [{ family: '王'.repeat(17) }] } } }, LIMITS)).toEqual({
      path: 'prefetch.patient.name[0].family',
      message: 'longer than 16 characters',
    });
    expect(refusal({ context: { selections: ['a', 'b'.repeat(17)] } }, LIMITS).path).toBe('context.selections[1]');
    expect(refusal({ ['k'.repeat(17)]: 1 }, LIMITS).message).toMatch(/member name longer than 16/);
    const div = `<div xmlns="http://www.w3.org/1999/xhtml">${'孕'.repeat(10)}</div>`;
    expect(normaliseRequestText({ text: { status: 'generated', div } }, LIMITS)).toEqual({ text: { status: 'generated', div } });
    expect(refusal({ text: { div: div.repeat(2) } }, LIMITS)).toEqual({ path: 'text.div', message: 'longer than 64 characters' });
  });

  it('leaves a body without NUL or surrogates identical (same object, same strings)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6, stringUnit: 'grapheme' }), (v) => {
        const s = JSON.stringify(v);
        // JSON.stringify escapes NUL and lone surrogates: `\u0000`, `\ud800`.
        fc.pre(!/\\u0000|\\ud[89a-f]/i.test(s) && !/[\ud800-\udfff]/.test(s));
        const copy = JSON.parse(s) as unknown;
        expect(normaliseRequestText(copy)).toBe(copy);
        expect(JSON.stringify(copy)).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it('free text comes out well-formed UTF-16 without NUL, and cleaning twice changes nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d', '\ude00'))),
        (parts) => {
          const dirty = parts.join('');
          const clean = cleanFreeText(dirty);
          expect(clean).not.toContain('\u0000');
          expect(Buffer.from(clean, 'utf8').toString('utf8')).toBe(clean);
          expect(cleanFreeText(clean)).toBe(clean);
        },
      ),
      { numRuns: 300 },
    );
  });
});
