import { randomUUID } from 'node:crypto';
import type { FeedbackRecord } from '../ports.js';
import type { HookCallRecord, NoticeRecord } from './records.js';
import { canonicalJson, json, sha256 } from './row-values.js';
import type { Sql } from './sql.js';

/**
 * The write statements of the audit trail. Child rows go in one statement per table through
 * `jsonb_to_recordset` (one round trip each, same SQL on PGlite and a server).
 */

/** A notice id stored twice with different content: a bug in the caller, never a store outage. */
export class NoticeConflictError extends Error {
  constructor(readonly noticeId: string) {
    super(`notice ${noticeId} already stored with a different hash`);
    this.name = 'NoticeConflictError';
  }
}

/** Stores a notice once; the same id again with the same hash is a no-op, with another hash a conflict. */
export async function insertNotice(tx: Sql, n: NoticeRecord, hookCallId?: string): Promise<void> {
  const inserted = await tx.query(
    `INSERT INTO notice (id, created_at, hash, patient_id, pregnancy_key, institution_id, practitioner_id, hook_call_id, rules, content)
     SELECT $1, $2::timestamptz, $3, $4, $5, $6, $7, $8::uuid, ARRAY(SELECT jsonb_array_elements_text($9::jsonb)), $10::jsonb
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [n.id, n.createdAt, n.hash, n.patientId, n.pregnancyKey ?? null, n.institutionId ?? null, n.practitionerId ?? null,
      hookCallId ?? null, json(n.rules ?? []), json(n.content)],
  );
  if (inserted.length > 0) return;
  const [existing] = await tx.query<{ hash: string }>('SELECT hash FROM notice WHERE id = $1', [n.id]);
  if (existing?.hash !== n.hash) throw new NoticeConflictError(n.id);
}

/** Inserts a hook call and every child row; returns the hook call id. Call inside a transaction. */
export async function insertHookCall(tx: Sql, r: HookCallRecord): Promise<string> {
  const id = r.id ?? randomUUID();
  await tx.query(
    `INSERT INTO hook_call (id, hook_instance, service_id, hook, received_at, issuer, tenant, institution_id,
       practitioner_id, patient_id, pregnancy_key, status, latency_ms)
     VALUES ($1::uuid, $2, $3, $4, $5::timestamptz, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [id, r.hookInstance, r.serviceId, r.hook, r.receivedAt, r.issuer, r.tenant ?? null, r.institutionId ?? null,
      r.practitionerId ?? null, r.patientId ?? null, r.pregnancyKey ?? null, r.status, Math.max(0, Math.round(r.latencyMs))],
  );
  if (r.findings.length > 0) {
    await tx.query(
      `INSERT INTO finding (hook_call_id, ordinal, rule, rule_version, citation, evidence, params)
       SELECT $1::uuid, x.ordinal, x.rule, x.rule_version, x.citation, x.evidence, x.params
       FROM jsonb_to_recordset($2::jsonb) AS x(ordinal int, rule text, rule_version text, citation text, evidence jsonb, params jsonb)`,
      [id, json(r.findings.map((f, ordinal) => ({
        ordinal, rule: f.rule, rule_version: f.ruleVersion ?? null, citation: f.citation, evidence: f.evidence, params: f.params,
      })))],
    );
  }
  if (r.cards.length > 0) {
    await tx.query(
      `INSERT INTO card (hook_call_id, uuid, indicator, rules)
       SELECT $1::uuid, x.uuid, x.indicator, x.rules FROM jsonb_to_recordset($2::jsonb) AS x(uuid text, indicator text, rules text[])`,
      [id, json(r.cards.map((c) => ({ uuid: c.uuid, indicator: c.indicator, rules: c.rules })))],
    );
  }
  const suggestions = r.cards.flatMap((c) => c.suggestions.map((s) => ({ card_uuid: c.uuid, uuid: s.uuid, kind: s.kind })));
  if (suggestions.length > 0) {
    await tx.query(
      `INSERT INTO suggestion (hook_call_id, card_uuid, uuid, kind)
       SELECT $1::uuid, x.card_uuid, x.uuid, x.kind FROM jsonb_to_recordset($2::jsonb) AS x(card_uuid text, uuid text, kind text)`,
      [id, json(suggestions)],
    );
  }
  if (r.ruleErrors.length > 0) {
    await tx.query(
      `INSERT INTO rule_error (hook_call_id, ordinal, rule, rule_version, citation, cause)
       SELECT $1::uuid, x.ordinal, x.rule, x.rule_version, x.citation, x.cause
       FROM jsonb_to_recordset($2::jsonb) AS x(ordinal int, rule text, rule_version text, citation text, cause text)`,
      [id, json(r.ruleErrors.map((e, ordinal) => ({
        ordinal, rule: e.rule, rule_version: e.ruleVersion ?? null, citation: e.citation ?? null, cause: e.cause,
      })))],
    );
  }
  if (r.notice) await insertNotice(tx, r.notice, id);
  return id;
}

/** A stable key for telling a repeated feedback item from a new one (service, issuer, item). */
export function feedbackDedupeKey(r: FeedbackRecord): string {
  return sha256(canonicalJson({ serviceId: r.serviceId, issuer: r.issuer, item: r.item }));
}

/** Appends a batch of feedback items in arrival order (repeats included), in one statement. */
export async function insertFeedback(sql: Sql, records: readonly FeedbackRecord[]): Promise<void> {
  if (records.length === 0) return;
  const rows = records.map((r, ord) => ({
    ord,
    service_id: r.serviceId,
    card_uuid: r.item.card,
    outcome: r.item.outcome,
    accepted_suggestions: Array.isArray(r.item.acceptedSuggestions) ? r.item.acceptedSuggestions : [],
    override_reason: r.item.overrideReason ?? null,
    outcome_timestamp: r.item.outcomeTimestamp,
    received_at: r.receivedAt,
    issuer: r.issuer,
    dedupe_key: feedbackDedupeKey(r),
    item: r.item,
  }));
  await sql.query(
    `INSERT INTO feedback (service_id, card_uuid, outcome, accepted_suggestions, override_reason, outcome_timestamp,
       received_at, issuer, dedupe_key, item)
     SELECT x.service_id, x.card_uuid, x.outcome, x.accepted_suggestions, x.override_reason, x.outcome_timestamp,
       x.received_at, x.issuer, x.dedupe_key, x.item
     FROM jsonb_to_recordset($1::jsonb) AS x(ord int, service_id text, card_uuid text, outcome text,
       accepted_suggestions jsonb, override_reason jsonb, outcome_timestamp timestamptz, received_at timestamptz,
       issuer text, dedupe_key text, item jsonb)
     ORDER BY x.ord`,
    [json(rows)],
  );
}
