import type { FeedbackRecord, FeedbackStore, IssuedCardsQuery, NoticeStore } from './records.js';
import type { StoredNotice } from '../engine/stored-notice.js';
import type { HookCallRecord } from './records.js';
import { deepFreeze } from '../deep-freeze.js';

/**
 * In-memory NoticeStore (same contract as the SQL audit store): append-only — a
 * notice id, once stored, cannot be replaced by different content.
 */
export class MemoryNoticeStore implements NoticeStore {
  readonly #notices = new Map<string, StoredNotice>();

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
  constructor(private readonly notices: NoticeStore) {}

  readonly record = async (rec: HookCallRecord): Promise<void> => {
    if (rec.notice) await this.notices.put(rec.notice);
    this.#records.push(deepFreeze(structuredClone(rec)));
  };

  all(): readonly HookCallRecord[] {
    return [...this.#records];
  }
}
