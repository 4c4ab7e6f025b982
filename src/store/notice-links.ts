import { compact, iso } from './row-values.js';
import type { Sql } from './sql.js';

/**
 * Notice links and page views in the store (docs/design.md#notice-links; migration 0008). Links are
 * written with their hook call (src/store/hook-call-writes.ts, one statement); this module reads a
 * link by its token hash and appends the views. Same SQL on PGlite and a PostgreSQL server.
 */

/** A stored link, as the notice page looks it up (never the token: only its hash is stored). */
export interface NoticeLinkRow {
  readonly id: string;
  readonly noticeId: string;
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly hookCallId?: string;
}

export const NOTICE_VIEW_RESULTS = ['shown', 'expired', 'unknown', 'earlier-format'] as const;
export type NoticeViewResult = (typeof NOTICE_VIEW_RESULTS)[number];

/** One request for a notice page, as the audit keeps it. */
export interface NoticeViewRecord {
  readonly viewedAt: string;
  /** The notice id asked for, when it is a well-formed notice id (stored or not). */
  readonly noticeId?: string;
  /** The link that matched (shown, expired or earlier-format); absent for `unknown`. */
  readonly linkId?: string;
  readonly result: NoticeViewResult;
  /** The client address as far as NOTICE_VIEW_ADDRESS allows; absent by default. */
  readonly clientAddress?: string;
}

/** The port the notice page uses beside the NoticeStore. */
export interface NoticeLinkStore {
  /** The link whose token hashes to `tokenHash`, if any. */
  findLink(tokenHash: string): Promise<NoticeLinkRow | undefined>;
  /** Appends one view; resolves once it is durable (the page is answered only then). */
  recordView(view: NoticeViewRecord): Promise<void>;
  /** The views of one notice, oldest first. */
  listViews(noticeId: string): Promise<NoticeViewRecord[]>;
}

interface LinkDbRow {
  id: string;
  notice_id: string;
  issued_at: Date | string;
  expires_at: Date | string;
  hook_call_id: string | null;
}

interface ViewDbRow {
  viewed_at: Date | string;
  notice_id: string | null;
  link_id: string | null;
  result: NoticeViewResult;
  client_address: string | null;
}

/** The NoticeLinkStore over the SQL port (a migrated schema). */
export function sqlNoticeLinks(sql: Sql): NoticeLinkStore {
  return {
    async findLink(tokenHash) {
      const [r] = await sql.query<LinkDbRow>(
        'SELECT id, notice_id, issued_at, expires_at, hook_call_id FROM notice_link WHERE token_hash = $1',
        [tokenHash],
      );
      if (!r) return undefined;
      return compact({
        id: r.id,
        noticeId: r.notice_id,
        issuedAt: iso(r.issued_at),
        expiresAt: iso(r.expires_at),
        hookCallId: r.hook_call_id,
      });
    },
    async recordView(v) {
      await sql.query(
        'INSERT INTO notice_view (viewed_at, notice_id, link_id, result, client_address) VALUES ($1::timestamptz, $2, $3::uuid, $4, $5)',
        [v.viewedAt, v.noticeId ?? null, v.linkId ?? null, v.result, v.clientAddress ?? null],
      );
    },
    async listViews(noticeId) {
      const rows = await sql.query<ViewDbRow>(
        'SELECT viewed_at, notice_id, link_id, result, client_address FROM notice_view WHERE notice_id = $1 ORDER BY viewed_at, id',
        [noticeId],
      );
      return rows.map((r) =>
        compact({
          viewedAt: iso(r.viewed_at),
          noticeId: r.notice_id,
          linkId: r.link_id,
          result: r.result,
          clientAddress: r.client_address,
        }),
      );
    },
  };
}
