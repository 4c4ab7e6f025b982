import { describe, expect, it } from 'vitest';
import { cardSchema, cdsResponseSchema, linkSchema } from '../../src/cds-hooks/card-schema.js';
import { sampleResponse } from '../support/sample-response.js';

const card = () => structuredClone(sampleResponse().cards[0]!) as Record<string, unknown>;
const problemsAt = (v: unknown) => {
  const r = cardSchema.safeParse(v);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
};

describe('card schema (https://cds-hooks.hl7.org/2.0/#card-attributes)', () => {
  it('accepts a complete card and a response with no cards', () => {
    expect(problemsAt(card())).toEqual([]);
    expect(cdsResponseSchema.safeParse({ cards: [] }).success).toBe(true);
  });

  it('summary: 139 characters pass, 140 are rejected', () => {
    expect(problemsAt({ ...card(), summary: 'a'.repeat(139) })).toEqual([]);
    expect(problemsAt({ ...card(), summary: 'a'.repeat(140) })).toEqual(['summary']);
  });

  it('suggestions without selectionBehavior are rejected', () => {
    const c = card();
    delete c.selectionBehavior;
    expect(problemsAt(c)).toEqual(['selectionBehavior']);
  });

  it('a suggestion without uuid is rejected', () => {
    const c = card() as { suggestions: Record<string, unknown>[] };
    delete c.suggestions[0]!.uuid;
    expect(problemsAt(c)).toEqual(['suggestions.0.uuid']);
  });

  it('an override reason without display is rejected', () => {
    expect(problemsAt({ ...card(), overrideReasons: [{ system: 'http://x', code: 'c' }] })).toEqual(['overrideReasons.0.display']);
  });

  it('an invalid link type is rejected', () => {
    expect(problemsAt({ ...card(), links: [{ label: 'x', url: 'https://a.example/', type: 'relative' }] })).toEqual(['links.0.type']);
  });

  it('appContext is allowed on smart links only', () => {
    expect(linkSchema.safeParse({ label: 'x', url: 'https://a.example/launch', type: 'smart', appContext: '{}' }).success).toBe(true);
    const r = linkSchema.safeParse({ label: 'x', url: 'https://a.example/', type: 'absolute', appContext: '{}' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['appContext']);
  });

  it('rejects an unknown indicator and a missing source label; keeps unknown fields', () => {
    expect(problemsAt({ ...card(), indicator: 'hard-stop' })).toEqual(['indicator']);
    expect(problemsAt({ ...card(), source: {} })).toEqual(['source.label']);
    const r = cardSchema.safeParse({ ...card(), 'com.vendor.x': 1 });
    expect(r.success && (r.data as Record<string, unknown>)['com.vendor.x']).toBe(1);
  });

  it('a delete action needs resourceId; create needs resource', () => {
    const c = card() as { suggestions: { actions: unknown[] }[] };
    c.suggestions[0]!.actions = [
      { type: 'delete', description: 'remove order' },
      { type: 'create', description: 'x' },
    ];
    expect(problemsAt(c).sort()).toEqual(['suggestions.0.actions.0.resourceId', 'suggestions.0.actions.1.resource']);
  });
});
