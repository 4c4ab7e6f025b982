import { createHash, createHmac } from 'node:crypto';
import { jcs, jcsMembers, jcsOfMembers } from '../../canonical-json.js';

/**
 * Notice reuse (docs/design.md#notice-reuse). A notice's *substance* is its content without the
 * fields that belong to one issue of it rather than to what she is told: the notice id (`noticeId`)
 * and the instant of issue (`issuedAt`). Everything else — the issue day (`issuedOn`), her identity,
 * the institution, the physician, every indication, the timing paragraph, both language versions —
 * is substance. The issue day stays in: the Art. 25 text states her GA and "today" and its
 * come-back-by date counts from that day, so the day's words are part of what she is told, and the
 * notice Communication the card suggests prints that day with the notice id.
 */
export const PER_ISSUE_FIELDS = ['noticeId', 'issuedAt'] as const;
const PER_ISSUE: ReadonlySet<string> = new Set(PER_ISSUE_FIELDS);

/**
 * A drafted notice's substance hash, and its canonical text once its id is known, from one
 * canonical writing of its members: `substanceHash` is SHA-256 of the JCS text of the draft without
 * its per-issue fields, and `canonical(id)` equals `jcs({ ...draft, noticeId: id })` (tested against
 * both definitions), without writing the 10 KB of content twice on every card.
 */
export function draftedNotice(draft: Readonly<Record<string, unknown>>): { substanceHash: string; canonical(noticeId: string): string } {
  const members = jcsMembers(draft);
  const substanceHash = createHash('sha256')
    .update(jcsOfMembers(members.filter(([k]) => !PER_ISSUE.has(k))), 'utf8')
    .digest('hex');
  return {
    substanceHash,
    canonical(noticeId) {
      const id = JSON.stringify(noticeId);
      const withId = members.filter(([k]) => k !== 'noticeId');
      withId.push(['noticeId', id]);
      // Back in JCS order (UTF-16 code units, as Array.prototype.sort compares strings).
      withId.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return jcsOfMembers(withId);
    },
  };
}

/** What a reused notice must share besides its substance: the EHR it was issued to and her pregnancy. */
export interface NoticeIdentity {
  /** The verified issuer of the call (`dev` when auth is off) and its tenant. */
  readonly issuer: string;
  readonly tenant?: string;
  readonly institutionId?: string;
  readonly patientId: string;
  readonly pregnancyKey?: string;
  readonly substanceHash: string;
}

/**
 * The notice id for a substance: HMAC-SHA-256 under a secret key (the store's `notice-id` secret)
 * of the identity, its first 128 bits written as a UUID (version 8, RFC 9562 variant). The same
 * notice issued again to the same EHR for the same pregnancy gets the same id, so the store can
 * skip it (`INSERT … ON CONFLICT DO NOTHING`) without reading first; without the key the id cannot
 * be computed or guessed from what it is made of, like a random one.
 */
export function derivedNoticeId(key: Uint8Array, identity: NoticeIdentity): string {
  const message = jcs([
    'notice-id/1',
    identity.issuer,
    identity.tenant ?? null,
    identity.institutionId ?? null,
    identity.patientId,
    identity.pregnancyKey ?? null,
    identity.substanceHash,
  ]);
  const b = createHmac('sha256', key).update(message, 'utf8').digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
