import type { FeedbackRecord, FeedbackStore, NoticeStore } from './records.js';
import type { StoredNotice } from '../engine/stored-notice.js';
import { appendAcknowledgement } from './acknowledgements.js';
import {
  listAcknowledgements,
  listCards,
  listDistinctFindings,
  listCardFeedback,
  listFeedback,
  listFindings,
  listHookCalls,
  listNotices,
  listReportPatients,
  listRuleErrors,
  listUndecided,
  type AcknowledgementQueryRow,
  type CardRow,
  type FeedbackRow,
  type FindingRow,
  type HookCallRow,
  type NoticeRow,
  type RuleErrorRow,
  type UndecidedRow,
} from './audit-queries.js';
import { sqlComplianceSummary, type ComplianceSummaryStore } from './compliance-summary.js';
import { createHookCallBatcher } from './hook-call-batcher.js';
import { insertFeedback, insertNotice } from './hook-call-writes.js';
import { issuedCards } from './issued-cards.js';
import { sqlNoticeLinks, type NoticeLinkStore } from './notice-links.js';
import { listObservedNotices, type ObservedNoticeRow } from './observed-notices.js';
import { listPregnancySightings, type PregnancySightingRow, type SightingsQuery } from './pregnancy-sightings.js';
import { listDistinctFollowUpEvents, listFollowUpEvents, type FollowUpRow } from './follow-up-events.js';
import { storedSecret } from './qc-secret.js';
import type { AcknowledgementRecord, AcknowledgementResult, HookCallRecord, NoticeRecord, PeriodQuery } from './records.js';
import { compact, iso } from './row-values.js';
import type { Sql } from './sql.js';

/**
 * The audit store (docs/design.md#audit) over the SQL port: the NoticeStore and FeedbackStore ports
 * plus the audit trail of hook calls, notice acknowledgements, the shared JTI replay cache and the
 * read queries of the QC layer. Records are append-only (triggers enforce it). Every write resolves
 * only after its transaction committed; a driver failure rejects with AppError('store-unavailable').
 * Expects a migrated schema (see `migrate` / `createStore`).
 */
export interface AuditStore extends NoticeStore, NoticeLinkStore, FeedbackStore, ComplianceSummaryStore {
  /** Stores a NoticeRecord's extra facts too when given one; a repeat with the same hash is a no-op. */
  put(notice: StoredNotice | NoticeRecord): Promise<void>;
  get(id: string): Promise<NoticeRecord | undefined>;
  /**
   * The call, its findings, cards, suggestions, rule errors and notice, all or nothing; resolves
   * with the call id only after the statement holding it committed. Concurrent calls share one
   * statement (group commit, src/store/hook-call-batcher.ts); a failed batch is retried record
   * by record, so a conflicting notice (NoticeConflictError) rejects only its own call.
   */
  recordHookCall(record: HookCallRecord): Promise<{ readonly id: string }>;
  appendAcknowledgement(ack: AcknowledgementRecord): Promise<AcknowledgementResult>;
  /** Remembers a JWT id until `expiresAt`: `true` the first time, `false` for a replay. */
  rememberJti(iss: string, jti: string, expiresAt: string): Promise<boolean>;
  /** Forgets replay-cache entries that expired before `before` (at most JTI_PRUNE_BATCH); returns how many. */
  pruneJtis(before: string): Promise<number>;
  listHookCalls(q: PeriodQuery): Promise<HookCallRow[]>;
  listFindings(q: PeriodQuery): Promise<FindingRow[]>;
  /** The findings QC's case facts are computed from: a reusing call's only when they differ from its source's (./audit-queries.ts). */
  listDistinctFindings(q: PeriodQuery): Promise<FindingRow[]>;
  listRuleErrors(q: PeriodQuery): Promise<RuleErrorRow[]>;
  listUndecided(q: PeriodQuery): Promise<UndecidedRow[]>;
  /** With `clicked`, only the cards with feedback (./audit-queries.ts). */
  listCards(q: PeriodQuery, opts?: { clicked?: boolean }): Promise<CardRow[]>;
  listNotices(q: PeriodQuery): Promise<NoticeRow[]>;
  listFeedback(q: PeriodQuery): Promise<FeedbackRow[]>;
  /** The feedback on the cards `listCards(q)` returns, received in the period (./audit-queries.ts). */
  listCardFeedback(q: PeriodQuery): Promise<FeedbackRow[]>;
  listAcknowledgements(q: PeriodQuery): Promise<AcknowledgementQueryRow[]>;
  /** Notice Communications later hook calls observed (src/store/observed-notices.ts). */
  listObservedNotices(q: PeriodQuery): Promise<ObservedNoticeRow[]>;
  /** Follow-up events observed by the hook calls received in the period (src/store/follow-up-events.ts). */
  listFollowUpEvents(q: PeriodQuery): Promise<FollowUpRow[]>;
  /** The follow-up events the funnel's facts are computed from: the first of equal ones (src/store/follow-up-events.ts). */
  listDistinctFollowUpEvents(q: PeriodQuery): Promise<FollowUpRow[]>;
  /** The patients a QC report of a short period is about: with findings in it, or (`nipt`) an NIPT result dated in it (./audit-queries.ts). */
  listReportPatients(q: PeriodQuery, nipt?: { from: string; to: string }): Promise<string[]>;
  /** Every pregnancy sighting of these patients in the period, whatever the institution (./pregnancy-sightings.ts). */
  listPregnancySightings(q: SightingsQuery): Promise<PregnancySightingRow[]>;
  /** A secret generated once and kept (table `qc_secret`): the same bytes on every replica and after restarts (./qc-secret.ts). */
  storedSecret(name: string): Promise<Uint8Array>;
}

/** Most replay-cache entries one `pruneJtis` deletes. */
export const JTI_PRUNE_BATCH = 10_000;

interface NoticeDbRow {
  id: string;
  created_at: Date | string;
  hash: string;
  patient_id: string;
  pregnancy_key: string | null;
  edd: string | null;
  institution_id: string | null;
  practitioner_id: string | null;
  rules: string[];
  content: unknown;
  content_jcs: string | null;
}

/** Builds the audit store on a (migrated) Sql. */
export function createAuditStore(sql: Sql): AuditStore {
  const recordHookCall = createHookCallBatcher(sql);
  return {
    ...sqlNoticeLinks(sql),
    // The per-pregnancy summary of notification compliance (docs/design.md#qc-summary).
    ...sqlComplianceSummary(sql),
    put: (notice) => sql.transaction((tx) => insertNotice(tx, notice)),
    async get(id) {
      const [r] = await sql.query<NoticeDbRow>(
        'SELECT id, created_at, hash, patient_id, pregnancy_key, edd::text AS edd, institution_id, practitioner_id, rules, content, content_jcs FROM notice WHERE id = $1',
        [id],
      );
      if (!r) return undefined;
      return compact({
        id: r.id,
        createdAt: iso(r.created_at),
        hash: r.hash,
        patientId: r.patient_id,
        pregnancyKey: r.pregnancy_key,
        edd: r.edd,
        institutionId: r.institution_id,
        practitionerId: r.practitioner_id,
        rules: r.rules,
        // New notices keep the canonical text that was hashed; earlier ones jsonb (docs/design.md#notice-reuse).
        content: r.content_jcs === null ? r.content : JSON.parse(r.content_jcs),
      });
    },
    append: (records: readonly FeedbackRecord[]) => insertFeedback(sql, records),
    issuedCards: (q) => issuedCards(sql, q),
    recordHookCall,
    appendAcknowledgement: (ack) => appendAcknowledgement(sql, ack),
    async rememberJti(iss, jti, expiresAt) {
      const rows = await sql.query(
        'INSERT INTO jti_seen (iss, jti, expires_at) VALUES ($1, $2, $3::timestamptz) ON CONFLICT (iss, jti) DO NOTHING RETURNING jti',
        [iss, jti, expiresAt],
      );
      return rows.length === 1;
    },
    async pruneJtis(before) {
      // One bounded batch: a long backlog drains over several calls, each statement short.
      const [row] = await sql.query<{ n: number }>(
        'WITH gone AS (DELETE FROM jti_seen WHERE (iss, jti) IN (SELECT iss, jti FROM jti_seen WHERE expires_at < $1::timestamptz LIMIT $2) RETURNING 1) SELECT count(*)::int AS n FROM gone',
        [before, JTI_PRUNE_BATCH],
      );
      return row?.n ?? 0;
    },
    listHookCalls: (q) => listHookCalls(sql, q),
    listFindings: (q) => listFindings(sql, q),
    listDistinctFindings: (q) => listDistinctFindings(sql, q),
    listRuleErrors: (q) => listRuleErrors(sql, q),
    listUndecided: (q) => listUndecided(sql, q),
    listCards: (q, opts) => listCards(sql, q, opts),
    listNotices: (q) => listNotices(sql, q),
    listFeedback: (q) => listFeedback(sql, q),
    listCardFeedback: (q) => listCardFeedback(sql, q),
    listAcknowledgements: (q) => listAcknowledgements(sql, q),
    listObservedNotices: (q) => listObservedNotices(sql, q),
    listFollowUpEvents: (q) => listFollowUpEvents(sql, q),
    listDistinctFollowUpEvents: (q) => listDistinctFollowUpEvents(sql, q),
    listReportPatients: (q, nipt) => listReportPatients(sql, q, nipt),
    listPregnancySightings: (q) => listPregnancySightings(sql, q),
    storedSecret: (name) => storedSecret(sql, name),
  };
}
