import { createHash, randomBytes } from 'node:crypto';
import type { ClinicalNow } from '../clock.js';

/**
 * Notice links (docs/design.md#notice-links). The printable notice page opens only with a link
 * token: 256 random bits, base64url, carried as `?t=` in `/notices/{noticeId}?t=<token>`. The store
 * keeps the token's SHA-256, never the token; a request is matched by the hash (an index lookup,
 * no comparison of secrets in our code). A link expires `NOTICE_LINK_DAYS` × 24 h after it was issued.
 */

/** Notice ids: random v4-style UUIDs (lower-case hex). Anything else is not a notice. */
const NOTICE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** 32 bytes in base64url without padding. */
const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

export function isNoticeId(id: string): boolean {
  return NOTICE_ID.test(id);
}

export function isLinkToken(token: string): boolean {
  return LINK_TOKEN.test(token);
}

/** A new link token: 256 bits from the system's CSPRNG, base64url (43 characters). */
export function randomLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 (hex) of a link token: what the store keeps and looks up. */
export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A link issued by a hook call, as the audit stores it (the token itself is only in the card). */
export interface IssuedNoticeLink {
  /** Our id of the link (UUID), recorded with every view it opens. */
  readonly id: string;
  readonly noticeId: string;
  readonly tokenHash: string;
  readonly issuedAt: string;
  readonly expiresAt: string;
  /**
   * `true` when the link opens a notice an earlier call stored (named by the EHR's notice
   * Communication). The store then issues it only if that notice is this patient's and was issued to
   * the same EHR (issuer and tenant); otherwise no link is stored and the URL opens nothing.
   */
  readonly reissue: boolean;
  /** The patient of the call, for that check. */
  readonly patientId: string;
}

export interface IssueNoticeLinkInput {
  readonly noticeId: string;
  readonly patientId: string;
  readonly now: ClinicalNow;
  /** NOTICE_LINK_DAYS: the link expires this many times 24 hours after `now.instant`. */
  readonly days: number;
  readonly token: string;
  readonly newId: () => string;
  readonly reissue: boolean;
}

/** The link record for a token issued now. */
export function issueNoticeLink(i: IssueNoticeLinkInput): IssuedNoticeLink {
  const issued = Date.parse(i.now.instant);
  return {
    id: i.newId(),
    noticeId: i.noticeId,
    tokenHash: hashLinkToken(i.token),
    issuedAt: new Date(issued).toISOString(),
    expiresAt: new Date(issued + i.days * DAY_MS).toISOString(),
    reissue: i.reissue,
    patientId: i.patientId,
  };
}

/** The page URL a card carries: `${publicBaseUrl}/notices/{noticeId}?t=<token>`. */
export function noticeLinkUrl(publicBaseUrl: string, noticeId: string, token: string): string {
  return `${publicBaseUrl}/notices/${encodeURIComponent(noticeId)}?t=${token}`;
}
