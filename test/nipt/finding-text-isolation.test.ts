import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/rule.js';
import { explainFinding } from '../../src/nipt/finding-text.js';

/**
 * Record-derived values in a NIPT explanation are isolated (docs/design.md#bidi-isolation): an
 * unterminated U+202E in an organization id cannot reverse the rest of the sentence.
 */
const finding = (organizationId: string): Finding =>
  ({
    rule: 'nipt-institution-not-authorized',
    citation: 'ZJ-2023 Art.29',
    indicator: 'critical',
    evidence: [],
    params: { reason: 'no-cooperation', organizationId },
  }) as unknown as Finding;

describe('NIPT explanation text', () => {
  it('isolates an organization id carrying a right-to-left override, in both locales', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const text = explainFinding(finding('org-\u202Eabc'), locale);
      expect(text).toContain('\u2068org-\u202Eabc\u2069');
    }
  });

  it('leaves an ordinary id as it is', () => {
    expect(explainFinding(finding('org-xs-screening'), 'en')).toContain(' org-xs-screening ');
  });
});
