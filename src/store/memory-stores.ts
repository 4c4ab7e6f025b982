import type { FeedbackRecord, FeedbackStore, NoticeStore, StoredNotice } from '../ports.js';
import { deepFreeze } from '../deep-freeze.js';

/**
 * In-memory NoticeStore (same contract as the PostgreSQL store of issue [4/6]): append-only — a
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

/** In-memory FeedbackStore: every item kept, in arrival order (repeats included). */
export class MemoryFeedbackStore implements FeedbackStore {
  readonly #records: FeedbackRecord[] = [];

  async append(records: readonly FeedbackRecord[]): Promise<void> {
    const copies = records.map((r) => deepFreeze(structuredClone(r)));
    this.#records.push(...copies);
  }

  /** Everything stored so far (for tests and the in-memory QC path). */
  all(): readonly FeedbackRecord[] {
    return [...this.#records];
  }
}
