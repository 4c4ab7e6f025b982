/**
 * Notice ids are capabilities: random v4-style UUIDs (lower-case hex). Anything else is not a notice
 * and never reaches the store (no enumeration, no NUL bytes or other values a database rejects).
 */
const NOTICE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isNoticeId(id: string): boolean {
  return NOTICE_ID.test(id);
}
