import { canonicalJson } from '../canonical-json.js';
import type { IdentifiedHookCall } from './hook-call-writes.js';
import { sha256 } from './row-values.js';

/** Name of the stored secret (table `qc_secret`) that keys derived notice ids (docs/design.md#notice-reuse). */
export const NOTICE_ID_SECRET = 'notice-id';

/** Entries each of the two maps keeps: ≈ 100 bytes an entry, so well under a few MB. */
export const REUSE_CACHE_ENTRIES = 10_000;

/** A call as it will be written, and what it will have stored once that write committed. */
export interface PlannedCall {
  readonly call: IdentifiedHookCall;
  /** The call left out rows the cache said were stored (its notice, its findings). */
  readonly shortened: boolean;
  readonly notice?: { readonly id: string; readonly key: string };
  /** Key of the call's findings and the call whose rows hold them. */
  readonly findings?: { readonly key: string; readonly from: string };
}

/**
 * What this process knows the store holds (docs/design.md#notice-reuse), so that a repeated call does
 * not send it again: the ids of notices stored (with their substance hash, else their hash) and the
 * findings of recent calls (by a hash of the EHR, the woman and the findings, naming the call whose
 * rows hold them). Filled only after a write committed; rows are append-only, so an entry stays
 * true — unless the database itself lost a commit (a restore, an asynchronous fail-over), and then
 * the write that relied on it fails and is made again whole (the batcher clears the cache).
 */
export interface ReuseCache {
  /** The call to write: without a notice already stored, and naming the earlier call of identical findings. */
  plan(call: IdentifiedHookCall): PlannedCall;
  /** The calls of a committed write. */
  remember(planned: readonly PlannedCall[]): void;
  clear(): void;
}

/** A Map used as an LRU: a hit moves the entry to the end; past `max`, the oldest goes. */
function lru(max: number) {
  const m = new Map<string, string>();
  return {
    get(k: string): string | undefined {
      const v = m.get(k);
      if (v !== undefined) {
        m.delete(k);
        m.set(k, v);
      }
      return v;
    },
    set(k: string, v: string): void {
      m.delete(k);
      m.set(k, v);
      if (m.size > max) m.delete(m.keys().next().value!);
    },
    clear: () => m.clear(),
  };
}

export function createReuseCache(max = REUSE_CACHE_ENTRIES): ReuseCache {
  const notices = lru(max);
  const findings = lru(max);
  return {
    plan(call) {
      const { record } = call;
      const n = record.notice;
      const notice = n ? { id: n.id, key: n.substanceHash ?? n.hash } : undefined;
      const noticeStored = notice !== undefined && notices.get(notice.id) === notice.key;
      let found: PlannedCall['findings'];
      if (record.findings.length > 0) {
        const key = sha256(
          canonicalJson({ issuer: record.issuer, tenant: record.tenant, patientId: record.patientId, findings: record.findings }),
        );
        const from = findings.get(key);
        found = { key, from: from ?? call.id };
      }
      const reuseFindings = found !== undefined && found.from !== call.id;
      if (!noticeStored && !reuseFindings)
        return { call, shortened: false, ...(notice ? { notice } : {}), ...(found ? { findings: found } : {}) };
      const shortened: IdentifiedHookCall = {
        id: call.id,
        record: { ...record, ...(noticeStored ? { notice: undefined } : {}), ...(reuseFindings ? { findings: [] } : {}) },
        ...(reuseFindings ? { findingsFrom: found!.from } : {}),
      };
      return { call: shortened, shortened: true, ...(notice ? { notice } : {}), ...(found ? { findings: found } : {}) };
    },
    remember(planned) {
      for (const p of planned) {
        if (p.notice) notices.set(p.notice.id, p.notice.key);
        if (p.findings) findings.set(p.findings.key, p.findings.from);
      }
    },
    clear() {
      notices.clear();
      findings.clear();
    },
  };
}
