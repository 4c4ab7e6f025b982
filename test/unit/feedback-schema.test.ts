import { describe, expect, it } from 'vitest';
import { feedbackItemSchema, rfc3339Schema } from '../../src/cds-hooks/feedback-schema.js';

const item = {
  card: '8b0c6a2e-3f4d-4e5a-9b6c-7d8e9f0a1b2c',
  outcome: 'accepted',
  acceptedSuggestions: [{ id: 's1' }],
  outcomeTimestamp: '2026-11-23T10:00:00+08:00',
};

describe('feedback schema (https://cds-hooks.hl7.org/2.0/#feedback)', () => {
  it.each(['2026-11-23T10:00:00Z', '2026-11-23T10:00:00.123+08:00', '2026-11-23T10:00:00-05:30', '2024-02-29T00:00:00Z'])(
    'RFC 3339 accepts %s',
    (s) => {
      expect(rfc3339Schema.safeParse(s).success).toBe(true);
    },
  );

  it.each([
    '2026-11-23T10:00:00',
    '2026-11-23',
    '2025-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-23T25:00:00Z',
    'now',
    '1763892000',
  ])('RFC 3339 rejects %s', (s) => {
    expect(rfc3339Schema.safeParse(s).success).toBe(false);
  });

  it('accepted ⇒ non-empty acceptedSuggestions; overridden ⇒ none', () => {
    expect(feedbackItemSchema.safeParse(item).success).toBe(true);
    expect(feedbackItemSchema.safeParse({ ...item, acceptedSuggestions: [] }).success).toBe(false);
    expect(feedbackItemSchema.safeParse({ ...item, outcome: 'overridden', acceptedSuggestions: undefined }).success).toBe(true);
    expect(feedbackItemSchema.safeParse({ ...item, outcome: 'overridden' }).success).toBe(false);
  });

  it('overrideReason: Coding needs system and code; a comment alone is fine', () => {
    const o = { ...item, outcome: 'overridden', acceptedSuggestions: undefined };
    expect(feedbackItemSchema.safeParse({ ...o, overrideReason: { userComment: '孕妇拒绝' } }).success).toBe(true);
    expect(feedbackItemSchema.safeParse({ ...o, overrideReason: { reason: { code: 'x' } } }).success).toBe(false);
  });
});
