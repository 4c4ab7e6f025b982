import type { FeedbackRecord, FeedbackStore, IssuedCardsQuery, NoticeStore } from './records.js';
import type { StoredNotice } from '../engine/stored-notice.js';
import type { HookCallRecord } from './records.js';
import { deepFreeze } from '../deep-freeze.js';
import type { IssuedNoticeLink } from '../engine/notice-link.js';
import type { NoticeLinkRow, NoticeLinkStore, NoticeViewRecord } from './notice-links.js';

/** Who a notice was issued to, for re-issued links: the patient and the EHR (issuer, tenant). */
interface NoticeOrigin {
  readonly patientId: string;
  readonly issuer?: string;
  readonly tenant?: string;
}

/**
 * In-memory NoticeStore and NoticeLinkStore (same contract as the SQL audit store): append-only — a
 * notice id, once stored, cannot be replaced by different content; links and views are only added.
 */
export class MemoryNoticeStore implements NoticeStore, NoticeLinkStore {
  readonly #notices = new Map<string, StoredNotice>();
  readonly #origins = new Map<string, NoticeOrigin>();
  readonly #links = new Map<string, NoticeLinkRow>();
  readonly #views: NoticeViewRecord[] = [];

  /**
   * Stores a link issued by a hook call of `origin`: a new notice's always, a re-issued one only
   * when the notice is that patient's and was issued to the same issuer and tenant (as the SQL store).
   */
  async putLink(link: IssuedNoticeLink, origin: { readonly issuer: string; readonly tenant?: string }): Promise<void> {
    const o = this.#origins.get(link.noticeId);
    if (!this.#notices.has(link.noticeId)) return;
    if (link.reissue && (o?.patientId !== link.patientId || o.issuer !== origin.issuer || o.tenant !== origin.tenant)) return;
    const row = { id: link.id, noticeId: link.noticeId, issuedAt: link.issuedAt, expiresAt: link.expiresAt };
    this.#links.set(link.tokenHash, deepFreeze(row));
  }

  /** Remembers who a notice stored by a hook call was issued to. */
  noteOrigin(noticeId: string, origin: NoticeOrigin): void {
    if (!this.#origins.has(noticeId)) this.#origins.set(noticeId, origin);
  }

  async findLink(tokenHash: string): Promise<NoticeLinkRow | undefined> {
    return this.#links.get(tokenHash);
  }

  async recordView(view: NoticeViewRecord): Promise<void> {
    this.#views.push(deepFreeze(structuredClone(view)));
  }

  async listViews(noticeId: string): Promise<NoticeViewRecord[]> {
    return this.#views.filter((v) => v.noticeId === noticeId);
  }

  async put(notice: StoredNotice): Promise<void> {
    const existing = this.#notices.get(notice.id);
    if (existing) {
      if (existing.hash !== notice.hash) throw new Error(`notice ${notice.id} already stored with a different hash`);
      return;
    }
    this.#notices.set(notice.id, deepFreeze(structuredClone(notice)));
  }

  async get(id: string): Promise<StoredNotice | undefined> {
    return this.#notices.get(id);
  }
}

/**
 * In-memory FeedbackStore: every item kept, in arrival order (repeats included). The cards issued
 * are those of `calls` (the hook-call log of the same app), none without it.
 */
export class MemoryFeedbackStore implements FeedbackStore {
  readonly #records: FeedbackRecord[] = [];
  constructor(private readonly calls?: { all(): readonly HookCallRecord[] }) {}

  async issuedCards(q: IssuedCardsQuery): Promise<ReadonlySet<string>> {
    const wanted = new Set(q.uuids);
    const found = new Set<string>();
    for (const call of this.calls?.all() ?? []) {
      if (call.serviceId !== q.serviceId || call.issuer !== q.issuer || (call.tenant ?? null) !== (q.tenant ?? null)) continue;
      for (const card of call.cards) if (wanted.has(card.uuid)) found.add(card.uuid);
    }
    return found;
  }

  async append(records: readonly FeedbackRecord[]): Promise<void> {
    const copies = records.map((r) => deepFreeze(structuredClone(r)));
    this.#records.push(...copies);
  }

  /** Everything stored so far (for tests and the in-memory QC path). */
  all(): readonly FeedbackRecord[] {
    return [...this.#records];
  }
}

/**
 * In-memory hook-call log: keeps every record and stores its notice in `notices`, like the audit
 * store does in one statement. For tests and the store-less benchmark baseline.
 */
export class MemoryHookCallLog {
  readonly #records: HookCallRecord[] = [];
  constructor(private readonly notices: NoticeStore | MemoryNoticeStore) {}

  readonly record = async (rec: HookCallRecord): Promise<void> => {
    if (rec.notice) await this.notices.put(rec.notice);
    if (this.notices instanceof MemoryNoticeStore) {
      if (rec.notice) this.notices.noteOrigin(rec.notice.id, { patientId: rec.notice.patientId, issuer: rec.issuer, tenant: rec.tenant });
      if (rec.noticeLink) await this.notices.putLink(rec.noticeLink, { issuer: rec.issuer, tenant: rec.tenant });
    }
    this.#records.push(deepFreeze(structuredClone(rec)));
  };

  all(): readonly HookCallRecord[] {
    return [...this.#records];
  }
}
