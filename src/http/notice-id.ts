/**
 * Notice ids are random v4-style UUIDs (lower-case hex); anything else is not a notice and never
 * reaches the store (no NUL bytes or other values a database rejects). The page also needs a link
 * token (docs/design.md#notice-links).
 */
export { isLinkToken, isNoticeId } from '../engine/notice-link.js';
