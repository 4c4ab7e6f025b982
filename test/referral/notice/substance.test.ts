import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jcs } from '../../../src/canonical-json.js';
import { clinicalNowAt } from '../../../src/clock.js';
import { buildNoticeContent } from '../../../src/referral/notice/content.js';
import { draftedNotice, PER_ISSUE_FIELDS } from '../../../src/referral/notice/substance.js';
import { ALL_FINDINGS, FACTS, patient, POLICY } from '../fixtures.js';

/**
 * The referral service writes a drafted notice's members once (docs/design.md#notice-reuse): the
 * substance hash and the canonical text it gets that way are the definitions' own —
 * SHA-256 of the JCS text of the content without its per-issue fields, and `jcs({ ...draft, noticeId })`.
 */
function substanceHashByDefinition(content: Readonly<Record<string, unknown>>): string {
  const rest: Record<string, unknown> = { ...content };
  for (const k of PER_ISSUE_FIELDS) delete rest[k];
  return createHash('sha256').update(jcs(rest), 'utf8').digest('hex');
}

describe('draftedNotice', () => {
  const now = clinicalNowAt(new Date('2026-11-23T02:00:00Z'), 'Asia/Shanghai');
  const draft = buildNoticeContent({
    noticeId: '',
    findings: ALL_FINDINGS,
    facts: FACTS,
    patient: patient({ name: [{ text: '张"丽"\\' }] }),
    policy: POLICY,
    now,
    institution: POLICY.institution,
  });

  it('gives the substance hash of the definition and, for any id, the JCS text of the issued notice', () => {
    const drafted = draftedNotice(draft);
    expect(drafted.substanceHash).toBe(substanceHashByDefinition(draft));
    for (const id of [randomUUID(), '0', 'zzzz', '']) expect(drafted.canonical(id)).toBe(jcs({ ...draft, noticeId: id }));
  });

  it('the substance leaves out only the id and the instant of issue', () => {
    const drafted = draftedNotice(draft);
    expect(draftedNotice({ ...draft, noticeId: randomUUID(), issuedAt: '2026-11-23T09:00:00.000Z' }).substanceHash).toBe(
      drafted.substanceHash,
    );
    expect(draftedNotice({ ...draft, issuedOn: '2026-11-24' }).substanceHash).not.toBe(drafted.substanceHash);
  });
});
